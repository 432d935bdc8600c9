package io.lockstep.profile;

import io.lockstep.score.BatchScorer;
import io.lockstep.score.PredictionField;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a scored row that profiles describe: every feature column (after its ops, as the
 * model sees it) then every numeric prediction output. String outputs are left out: they have no
 * quantiles.
 */
public final class ScoredRows {
  private ScoredRows() {}

  /** Receives each scored row: its feature vector and its predictions. */
  public interface Observer {
    void scored(float[] features, BatchScorer batch, int row);
  }

  public static boolean isNumeric(PredictionField f) {
    return f.type() != PredictionField.Type.STRING;
  }

  /** Indexes in {@code fields} of the numeric outputs. */
  public static int[] numericOutputs(List<PredictionField> fields) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      if (isNumeric(fields.get(i))) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A numeric output's value as a double. */
  public static double value(BatchScorer batch, int field, int row) {
    Object v = batch.value(field, row);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
