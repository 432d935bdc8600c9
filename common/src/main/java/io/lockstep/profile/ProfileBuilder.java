package io.lockstep.profile;

import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link Profile} from scored rows in one pass with memory fixed per column (see
 * {@link ReservoirSample} for the quantile error). Feed it from any level's scoring sink.
 */
public final class ProfileBuilder implements ScoredRows.Observer {
  private final String model;
  private final List<ColumnStats> features = new ArrayList<>();
  private final List<ColumnStats> predictions = new ArrayList<>();
  private final int[] numericOutputs;

  public ProfileBuilder(String model, List<String> featureColumns, List<PredictionField> fields) {
    this.model = model;
    long seed = 1;
    for (String c : featureColumns) {
      features.add(new ColumnStats(c, ColumnProfile.Kind.FEATURE, new ReservoirSample(ReservoirSample.DEFAULT_CAPACITY, seed++)));
    }
    numericOutputs = ScoredRows.numericOutputs(fields);
    for (int f : numericOutputs) {
      predictions.add(new ColumnStats(fields.get(f).name(), ColumnProfile.Kind.PREDICTION,
          new ReservoirSample(ReservoirSample.DEFAULT_CAPACITY, seed++)));
    }
  }

  @Override
  public void scored(float[] row, BatchScorer batch, int r) {
    for (int c = 0; c < features.size(); c++) {
      features.get(c).add(row[c]);
    }
    for (int i = 0; i < numericOutputs.length; i++) {
      predictions.get(i).add(ScoredRows.value(batch, numericOutputs[i], r));
    }
  }

  /**
   * @param input what was profiled (a file name), for people
   * @param deadByReason dead letters of the profiled input by reason kind
   */
  public Profile build(String input, long records, long scored, Map<String, Long> deadByReason) {
    List<ColumnProfile> cols = new ArrayList<>();
    features.forEach(s -> cols.add(s.toProfile()));
    predictions.forEach(s -> cols.add(s.toProfile()));
    return new Profile(model, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), input, records, scored,
        new TreeMap<>(deadByReason), ReservoirSample.DEFAULT_CAPACITY, cols);
  }
}
