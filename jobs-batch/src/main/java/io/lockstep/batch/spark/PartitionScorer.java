package io.lockstep.batch.spark;

import io.lockstep.deadletter.DeadLetter;
import io.lockstep.deadletter.DeadLetterBudget;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FieldAccessor;
import io.lockstep.profile.LiveBins;
import io.lockstep.score.BatchScorer;
import io.lockstep.score.ScoringBuffer;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Scores one partition of {@link InputLayout} rows in batches through the common
 * {@link ScoringBuffer} and {@link BatchScorer} (one direct FloatBuffer per task, one ORT session
 * per JVM), lazily: rows are pulled from Spark's iterator and predictions handed back a batch at a
 * time, so a partition never sits in memory.
 *
 * <p>With window features the partition must hold whole keys in {@link WindowOrder}: runs of equal
 * key hash, each key's events in {@code (time, file, position)} once {@link TieOrder} has ordered
 * the rows Spark's sort left tied. Each key's events then pass through
 * one {@link KeyWindowState} in the order docs/spec.md (Window features) prescribes; the states of a
 * run ({@link HashRunStates}: one per distinct key, should hashes collide) are dropped when the next
 * run starts.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private final ScoringPlan plan;

  PartitionScorer(ScoringPlan plan) {
    this.plan = plan;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> input) {
    return new Run(plan, input);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The state of one partition's pass. */
  private static final class Run implements Iterator<InternalRow>, ScoringBuffer.Sink<InternalRow> {
    private final ScoringPlan plan;
    private final Iterator<InternalRow> input;
    private final InternalFields fields;
    private final InputLayout layout;
    private final WindowSet windows;
    private final ScoringBuffer<InternalRow> buffer;
    private final PredictionRows predictions;
    private final DeadLetterFiles.Writer deadFile;
    private final DeadLetterBudget budget;
    private final ArrayDeque<InternalRow> out = new ArrayDeque<>();
    private final RowArena arena;
    private final double[] windowValues;
    /** With window features: the states of the current hash run. */
    private final HashRunStates states;
    /**
     * Layout columns the rows carry: all of them without window features; with them, those before
     * the row's last column, the {@link WindowOrder#GROUP} (the order drops trailing null columns).
     */
    private int width = Integer.MAX_VALUE;
    private long read;
    private long scored;
    private long dead;
    private boolean finished;
    private final io.lockstep.metrics.BatchStats batchStats = new io.lockstep.metrics.BatchStats();
    /** With a profile in the bundle: this partition's values on its histograms (docs/spec.md, Drift), else null. */
    private final LiveBins drift;

    Run(ScoringPlan plan, Iterator<InternalRow> input) {
      this.plan = plan;
      this.layout = plan.layout();
      this.fields = new InternalFields(layout.schema());
      this.arena = new RowArena();
      ExecutorModels.Model model = ExecutorModels.get(plan.bundle().value());
      this.windows = model.windows();
      this.buffer = new ScoringBuffer<InternalRow>(model.pipeline(), model.scorer().newBatch(plan.batchSize())).onBatch(batchStats::add);
      this.predictions = new PredictionRows(model.bundle(), model.scorer().fields(), plan.keep(), layout, plan.inlineDeadLetters(),
          plan.emitFeatures());
      this.windowValues = windows.isEmpty() ? null : new double[windows.size()];
      this.states = windows.isEmpty() ? null : new HashRunStates(windows::newState);
      this.input = windows.isEmpty() ? input : tieOrder(input, model.bundle().spec().time());
      this.drift = model.bundle().profile().map(p -> new LiveBins(p, model.pipeline().columnNames(), model.scorer().fields()))
          .orElse(null);
      this.budget = plan.deadLetterPolicy().newBudget();
      TaskContext task = TaskContext.get();
      this.deadFile = plan.inlineDeadLetters() ? null
          : plan.deadLetters().writer(task == null ? 0 : task.partitionId(), plan.hadoopConf().value().value());
    }

    /** The partition in full window order: Spark sorted it by the group alone ({@link TieOrder}). */
    private Iterator<InternalRow> tieOrder(Iterator<InternalRow> sorted, String timeField) {
      org.apache.avro.Schema.Field time = layout.schema().getField(timeField);
      boolean micros = io.lockstep.spec.FieldType.of(time.schema()).micros();
      return new TieOrder(sorted, time.pos(), micros, layout.fileIndex(), layout.posIndex());
    }

    @Override
    public boolean hasNext() {
      while (out.isEmpty() && !finished) {
        if (buffer.isFull()) {
          buffer.flush(this);
        } else if (input.hasNext()) {
          if (buffer.size() == 0) {
            arena.clear();                      // every output of the last batch has been handed on
          }
          offer(input.next());
        } else {
          buffer.flush(this);
          finish();
        }
      }
      return !out.isEmpty();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return out.poll();
    }

    /** Spark may reuse the row object it hands out: a row that waits for its batch is copied (into the arena). */
    private void offer(InternalRow next) {
      read++;
      budget.read();
      InternalRow row = arena.keep(next);
      if (windowValues != null) {
        width = row.numFields() - 1;
      }
      Reason failure = layout.decodeFailure(row, width);
      if (failure != null) {
        deadLetter(row, failure, windows.key(this.fields.of(row)));
        return;
      }
      FieldAccessor fields = this.fields.of(row);
      double[] values = null;
      if (windowValues != null) {
        String key = windows.key(fields);
        Long time = windows.timeMillis(fields);
        if (key == null || time == null) {
          deadLetter(row, Reason.missing(key == null ? windows.keyField() : windows.timeField()), key);
          return;
        }
        KeyWindowState state = states.of(WindowOrder.run(row.getLong(width)), key);
        windows.observe(state, time, fields, windowValues);
        values = windowValues;
      }
      buffer.offer(fields, values, row, this);
    }

    @Override
    public void scored(InternalRow row, BatchScorer batch, int r) {
      out.add(predictions.scored(row, batch, r));
      scored++;
      if (drift != null) {
        drift.scored(batch, r);
      }
    }

    @Override
    public void rejected(InternalRow row, Reason reason) {
      deadLetter(row, reason, windows.key(fields.copyFor(row)));
    }

    private void deadLetter(InternalRow row, Reason reason, String key) {
      byte[] bytes = absent(row, layout.bytesIndex()) ? null : row.getBinary(layout.bytesIndex());
      String text = absent(row, layout.textIndex()) ? null : row.getUTF8String(layout.textIndex()).toString();
      String source = layout.source(row);
      DeadLetter dl = bytes != null
          ? DeadLetter.ofBytes(reason, DeadLetter.Level.SPARK, source, key, bytes)
          : DeadLetter.ofText(reason, DeadLetter.Level.SPARK, source, key, text != null ? text : originalJson(row));
      dead++;
      budget.dead(reason);
      int cap = plan.deadLetterPolicy().maxOriginalBytes();
      if (deadFile != null) {
        deadFile.write(dl, cap);
      } else {
        out.add(predictions.deadLetter(dl.toJson(cap)));
      }
    }

    private boolean absent(InternalRow row, int column) {
      return column >= width || row.isNullAt(column);
    }

    /** Rows from Spark's readers carry no original text: the input fields as a JSON object stand in. */
    private String originalJson(InternalRow row) {
      ObjectNode n = JSON.createObjectNode();
      FieldAccessor values = fields.copyFor(row);
      for (org.apache.avro.Schema.Field f : layout.schema().getFields()) {
        Object v = values.get(f.pos());
        if (v == null) {
          n.putNull(f.name());
        } else if (v instanceof Number || v instanceof Boolean) {
          n.putPOJO(f.name(), v);
        } else {
          n.put(f.name(), v instanceof byte[] b ? java.util.Base64.getEncoder().encodeToString(b) : v.toString());
        }
      }
      return n.toString();
    }

    private void finish() {
      finished = true;
      if (deadFile != null) {
        deadFile.close();
      }
      if (plan.counters() != null) {
        plan.counters().add(read, scored, dead);
        plan.counters().batches().add(batchStats);
        if (drift != null) {
          plan.counters().drift().add(drift.counts());
        }
      }
    }
  }
}
