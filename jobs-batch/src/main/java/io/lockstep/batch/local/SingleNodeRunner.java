package io.lockstep.batch.local;

import io.lockstep.avro.Decoded;
import io.lockstep.batch.io.DeadLetterWriter;
import io.lockstep.batch.io.OutputGuard;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.batch.io.RecordSources;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.batch.io.StagedOutputs;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.deadletter.DeadLetter;
import io.lockstep.deadletter.DeadLetterBudget;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import io.lockstep.io.InputDamage;
import io.lockstep.metrics.RunMetrics;
import io.lockstep.profile.LiveBins;
import io.lockstep.profile.ScoredRows;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.PredictionBuilder;
import io.lockstep.score.ScorerOptions;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Level 1: scores a file on one machine with no engine started. Reads records, computes features
 * and window aggregates with the {@code common} code, scores in batches and writes predictions in
 * input order, dead letters to {@code <output>.deadletter.jsonl}. No output may resolve to the input
 * ({@link OutputGuard}); outputs are written under temporary names and renamed when the run succeeds
 * ({@link StagedOutputs}); damage found in the input is returned in the summary, after the records
 * read before it were scored (docs/spec.md, Outputs and Exit codes).
 *
 * <p>With window features the input is first read whole: each key's events are aggregated in
 * {@code (time, input order)} order, as docs/spec.md (Window features) requires, so an out-of-order line still sees
 * only the events at or before its time. Inputs too large for memory belong on Spark.
 */
public final class SingleNodeRunner {
  private final ScoreOptions options;
  private final PrintStream progressOut;
  private final List<ScoredRows.Observer> observers = new ArrayList<>();
  private final List<PredictionObserver> predictionObservers = new ArrayList<>();
  private boolean emitSource;
  private RunMetrics metrics;
  private LiveBins drift;

  public SingleNodeRunner(ScoreOptions options, PrintStream progressOut) {
    this.options = options;
    this.progressOut = progressOut;
  }

  /** Also hands every scored row (features and predictions) to {@code observer}: profiles, comparisons. */
  public SingleNodeRunner observe(ScoredRows.Observer observer) {
    observers.add(observer);
    return this;
  }

  /** Also hands every prediction record, with its source ({@code file:line}), to {@code observer}: the shadow twin. */
  public SingleNodeRunner observePredictions(PredictionObserver observer) {
    predictionObservers.add(observer);
    return this;
  }

  /** Sees each prediction as written (before {@code _source} is added). */
  @FunctionalInterface
  public interface PredictionObserver {
    void scored(String source, org.apache.avro.generic.GenericRecord prediction);
  }

  /** Adds {@link SourceColumn#NAME} ({@code file:line}) to every prediction, for joins by source position. */
  public SingleNodeRunner emitSource(boolean on) {
    this.emitSource = on;
    return this;
  }

  /** The counters of the last run ({@code --metrics-json}). */
  public RunMetrics metrics() {
    return metrics;
  }

  /** PSI per column of the last run against the bundle's profile; empty when the bundle has none. */
  public List<LiveBins.PsiRow> drift() {
    return drift == null ? List.of() : drift.psi();
  }

  public RunSummary run() throws IOException {
    Bundle bundle = BundleLoader.load(options.bundle());
    try (OnnxScorer scorer = OnnxScorer.open(bundle, new ScorerOptions(options.threads(), false))) {
      return run(bundle, scorer);
    }
  }

  /** Runs with an already open scorer (benchmarks reuse one). */
  public RunSummary run(Bundle bundle, OnnxScorer scorer) throws IOException {
    Path output = options.output();
    OutputGuard.refuseOverlaps(List.of(options.input()), outputs(output));
    PredictionBuilder builder = new PredictionBuilder(bundle, scorer.fields(), options.keep(), false);
    SourceColumn sourceColumn = emitSource ? new SourceColumn(builder.schema()) : null;
    metrics = new RunMetrics(DeadLetter.Level.SINGLE_NODE.text(), bundle.id());
    Counts counts = new Counts(options.deadLetters().newBudget(), metrics);
    Progress progress = new Progress(progressOut);
    List<InputDamage> damage;
    try (StagedOutputs staged = new StagedOutputs()) {
      Path schemaTemp = staged.stage(schemaPath(output));
      Path deadTemp = staged.stage(DeadLetterWriter.pathFor(output));
      Path outputTemp = staged.stage(output);
      damage = score(bundle, scorer, builder, sourceColumn, outputTemp, deadTemp, counts, progress);
      Files.writeString(schemaTemp, (sourceColumn == null ? builder.schema() : sourceColumn.schema()).toString(true));
      staged.commit();
    }
    progress.done();
    return new RunSummary(counts.read, counts.scored, counts.dead, counts.byReason, progress.seconds(), damage);
  }

  /** Every file a run writes: predictions, dead letters and the prediction schema. */
  public static List<Path> outputs(Path output) {
    return List.of(output, DeadLetterWriter.pathFor(output), schemaPath(output));
  }

  /** Reads, scores and writes to the temporary outputs; returns the damage found in the input. */
  private List<InputDamage> score(Bundle bundle, OnnxScorer scorer, PredictionBuilder builder, SourceColumn sourceColumn,
                                  Path output, Path deadLetters, Counts counts, Progress progress) throws IOException {
    FeaturePipeline pipeline = FeaturePipeline.compile(bundle.spec(), bundle.inputSchema());
    drift = bundle.profile().map(p -> new LiveBins(p, pipeline.columnNames(), scorer.fields())).orElse(null);
    List<ScoredRows.Observer> rowObservers = new ArrayList<>(observers);
    if (drift != null) {
      rowObservers.add(drift);
    }
    WindowSet windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    List<String> extras = PredictionBuilder.extras(bundle, options.keep());
    try (RecordSource source = RecordSources.open(options.input(), options.inputFormat(), bundle.inputSchema(), extras);
         RecordWriter writer = RecordWriters.open(output, options.outputFormat(),
             sourceColumn == null ? builder.schema() : sourceColumn.schema());
         DeadLetterWriter dead = new DeadLetterWriter(deadLetters, options.deadLetters().maxOriginalBytes())) {
      BatchScorer batch = scorer.newBatch(options.batchSize());
      ScoringBuffer<RawRecord> buffer = new ScoringBuffer<RawRecord>(pipeline, batch).onBatch(counts.metrics::batch);
      ScoringBuffer.Sink<RawRecord> sink = new ScoringBuffer.Sink<>() {
        @Override
        public void scored(RawRecord r, BatchScorer b, int row) {
          try {
            var p = builder.build(r.decoded().record(), r.decoded().extras(), b, row, null, 0L);
            writer.write(sourceColumn == null ? p : sourceColumn.with(p, r.source()));
            for (PredictionObserver o : predictionObservers) {
              o.scored(r.source(), p);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          counts.scored++;
          counts.metrics.scored();
          if (!rowObservers.isEmpty()) {
            float[] features = b.featureRow(row);
            for (ScoredRows.Observer o : rowObservers) {
              o.scored(features, b, row);
            }
          }
        }

        @Override
        public void rejected(RawRecord r, Reason reason) {
          deadLetter(dead, windows, r, reason, counts);
        }
      };
      if (windows.isEmpty()) {
        RawRecord r;
        while ((r = source.next()) != null) {
          counts.read();
          offer(r, null, windows, buffer, sink, dead, counts);
          progress.tick(counts.read, counts.scored, counts.dead);
        }
      } else {
        List<RawRecord> all = new ArrayList<>();
        RawRecord r;
        while ((r = source.next()) != null) {
          all.add(r);
        }
        double[][] values = windowValues(all, windows);
        for (int i = 0; i < all.size(); i++) {
          counts.read();
          offer(all.get(i), values[i], windows, buffer, sink, dead, counts);
          progress.tick(counts.read, counts.scored, counts.dead);
        }
      }
      buffer.flush(sink);
      return source.damage();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void offer(RawRecord r, double[] windowValues, WindowSet windows, ScoringBuffer<RawRecord> buffer,
                            ScoringBuffer.Sink<RawRecord> sink, DeadLetterWriter dead, Counts counts) {
    Decoded d = r.decoded();
    if (!d.isOk()) {
      deadLetter(dead, windows, r, d.reason(), counts);
      return;
    }
    if (!windows.isEmpty() && windowValues == null) {
      FieldAccessor acc = FieldAccessor.of(d.record());
      Reason missing = Reason.missing(windows.key(acc) == null ? windows.keyField() : windows.timeField());
      deadLetter(dead, windows, r, missing, counts);
      return;
    }
    buffer.offer(FieldAccessor.of(d.record()), windowValues, r, sink);
  }

  /**
   * Window aggregates per record, computed in {@code (time, input order)} order per key. Records
   * that failed to decode or lack key or time get null (they never enter the state).
   */
  static double[][] windowValues(List<RawRecord> all, WindowSet windows) {
    int n = all.size();
    double[][] values = new double[n][];
    List<Integer> order = new ArrayList<>();
    long[] times = new long[n];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      Decoded d = all.get(i).decoded();
      if (!d.isOk()) {
        continue;
      }
      FieldAccessor acc = FieldAccessor.of(d.record());
      String key = windows.key(acc);
      Long time = windows.timeMillis(acc);
      if (key == null || time == null) {
        continue;
      }
      keys[i] = key;
      times[i] = time;
      order.add(i);
    }
    order.sort((a, b) -> times[a] != times[b] ? Long.compare(times[a], times[b]) : Integer.compare(a, b));
    Map<String, KeyWindowState> states = new HashMap<>();
    for (int i : order) {
      KeyWindowState state = states.computeIfAbsent(keys[i], k -> windows.newState());
      values[i] = new double[windows.size()];
      windows.observe(state, times[i], FieldAccessor.of(all.get(i).decoded().record()), values[i]);
    }
    return values;
  }

  private static void deadLetter(DeadLetterWriter dead, WindowSet windows, RawRecord r, Reason reason, Counts counts) {
    var readable = r.decoded().readable();
    String key = readable == null ? null : windows.key(FieldAccessor.of(readable));
    DeadLetter dl = r.bytes() != null
        ? DeadLetter.ofBytes(reason, DeadLetter.Level.SINGLE_NODE, r.source(), key, r.bytes())
        : DeadLetter.ofText(reason, DeadLetter.Level.SINGLE_NODE, r.source(), key, r.text());
    try {
      dead.write(dl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    counts.dead++;
    counts.byReason.merge(dl.reasonKind(), 1L, Long::sum);
    counts.metrics.dead(dl.reasonKind().prefix());
    counts.budget.dead(reason);
  }

  /**
   * {@code <output>.schema.avsc} next to the output file: one per output, so two runs writing to one
   * directory do not overwrite each other's schema (docs/spec.md, Outputs).
   */
  public static Path schemaPath(Path output) {
    return output.resolveSibling(output.getFileName() + ".schema.avsc");
  }

  private static final class Counts {
    final DeadLetterBudget budget;
    long read;
    long scored;
    long dead;
    final Map<Reason.Kind, Long> byReason = new EnumMap<>(Reason.Kind.class);
    final RunMetrics metrics;

    Counts(DeadLetterBudget budget, RunMetrics metrics) {
      this.budget = budget;
      this.metrics = metrics;
    }

    void read() {
      read++;
      budget.read();
      metrics.recordIn();
    }
  }
}
