package io.lockstep.score;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lockstep.deadletter.Reason;
import io.lockstep.features.FeaturePipeline;
import io.lockstep.features.FieldAccessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Scores rows in batches through one direct {@link FloatBuffer} that is reused between calls (never
 * {@code float[][]}, which costs ORT a copy per row). Rows are appended with {@link #add}; a record
 * whose features fail is rejected at once and never takes a row. {@link #score()} runs the model;
 * if ORT fails on the batch, each row is retried alone and only the rows that fail alone get a
 * {@code model:} reason. Models with a fixed batch dimension B are fed chunks of exactly B rows,
 * the last one zero-padded, and the padding rows' outputs are dropped.
 *
 * <p>Only ONNX Runtime's own failures ({@link OrtException}, what {@code OrtSession.run} throws when
 * the native run fails) are dead letters. Anything else (an {@code IllegalStateException}, a
 * {@code ClassCastException} reading an output) is a bug and propagates: turning it into a dead
 * letter per record would hide it.
 *
 * <p>A model that cannot run at all stops the run with {@link ModelCannotRun}. The rule: before any
 * record has scored with this scorer, {@value #CANNOT_RUN_AFTER} records in a row failed alone with
 * the same ORT message. A model that has scored once can run, so later failures stay per-record
 * dead letters; a model whose first records all fail identically is broken, not its input (input
 * problems are caught before the model as {@code missing:}/{@code nan:}).
 *
 * <p>Not thread-safe: one per thread (task, partition, operator instance).
 */
public final class BatchScorer implements AutoCloseable {
  private final OnnxScorer scorer;
  private final int width;
  private final int capacity;
  private final int chunk;
  private final float[] features;
  private final FloatBuffer input;
  private final List<PredictionField> fields;
  private final Object[] columns;
  private final Reason[] failures;
  private int rows;
  private boolean anyFailure;
  /** Whether any record has scored with this scorer: then the model can run. */
  private boolean everScored;
  private String lastFailure;
  private int identicalFailures;

  /** Identical single-record failures, before any success, that prove the model cannot run. */
  static final int CANNOT_RUN_AFTER = 8;

  BatchScorer(OnnxScorer scorer, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
    }
    this.scorer = scorer;
    this.width = scorer.width();
    this.capacity = capacity;
    this.chunk = scorer.fixedBatch() > 0 ? scorer.fixedBatch() : capacity;
    this.features = new float[capacity * width];
    this.input = ByteBuffer.allocateDirect(chunk * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.fields = scorer.fields();
    this.columns = new Object[fields.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = switch (fields.get(i).type()) {
        case FLOAT -> new float[capacity];
        case DOUBLE -> new double[capacity];
        case LONG -> new long[capacity];
        case STRING -> new String[capacity];
      };
    }
    this.failures = new Reason[capacity];
  }

  public int width() {
    return width;
  }

  public int size() {
    return rows;
  }

  public int capacity() {
    return capacity;
  }

  public boolean isFull() {
    return rows == capacity;
  }

  public boolean isEmpty() {
    return rows == 0;
  }

  public List<PredictionField> fields() {
    return fields;
  }

  /**
   * Extracts the record's features into the next row.
   *
   * @return null if the row was taken, else the feature's dead-letter reason (no row taken)
   */
  public Reason add(FeaturePipeline pipeline, FieldAccessor record, double[] windowValues) {
    if (rows == capacity) {
      throw new IllegalStateException("batch is full: call score() and clear() first");
    }
    Reason reason = pipeline.extract(record, windowValues, features, rows * width);
    if (reason == null) {
      rows++;
    }
    return reason;
  }

  /** Appends a ready feature row (benchmarks, tests). */
  public void addRow(float[] row) {
    System.arraycopy(row, 0, features, rows * width, width);
    rows++;
  }

  /** Feature {@code column} of row {@code row}, read in place (no copy: per-record monitoring). */
  public float feature(int row, int column) {
    return features[row * width + column];
  }

  /** The feature row {@code row} as floats (a copy), e.g. for parity checks. */
  public float[] featureRow(int row) {
    return Arrays.copyOfRange(features, row * width, (row + 1) * width);
  }

  /** Runs the model over the rows added since {@link #clear()}. */
  public void score() {
    anyFailure = false;
    if (rows == 0) {
      return;
    }
    try {
      run(0, rows);
      everScored = true;
    } catch (OrtException batchFailure) {
      for (int r = 0; r < rows; r++) {
        try {
          run(r, r + 1);
          failures[r] = null;
          everScored = true;
        } catch (OrtException e) {
          failures[r] = Reason.model(e.getMessage());
          anyFailure = true;
          judgeCannotRun(e);
        }
      }
    }
  }

  private void judgeCannotRun(OrtException e) {
    if (everScored) {
      return;
    }
    String message = String.valueOf(e.getMessage());
    identicalFailures = message.equals(lastFailure) ? identicalFailures + 1 : 1;
    lastFailure = message;
    if (identicalFailures >= CANNOT_RUN_AFTER) {
      throw new ModelCannotRun("the model cannot run: its first " + identicalFailures + " records each failed alone in ONNX Runtime"
          + " with the same error, and none has scored: " + message.replace('\n', ' ')
          + " (check the model's input type and shape with `lockstep inspect`)");
    }
  }

  /** The {@code model:} reason of a row that failed alone, or null if it was scored. */
  public Reason failure(int row) {
    return anyFailure ? failures[row] : null;
  }

  public void clear() {
    rows = 0;
    anyFailure = false;
  }

  public float getFloat(int field, int row) {
    return ((float[]) columns[field])[row];
  }

  public long getLong(int field, int row) {
    return ((long[]) columns[field])[row];
  }

  public double getDouble(int field, int row) {
    return ((double[]) columns[field])[row];
  }

  public String getString(int field, int row) {
    return ((String[]) columns[field])[row];
  }

  /** The prediction value boxed as its Avro type: Float, Double, Long or String. */
  public Object value(int field, int row) {
    Object c = columns[field];
    if (c instanceof float[] f) {
      return f[row];
    } else if (c instanceof double[] d) {
      return d[row];
    } else if (c instanceof long[] l) {
      return l[row];
    }
    return ((String[]) c)[row];
  }

  private void run(int from, int to) throws OrtException {
    for (int start = from; start < to; start += chunk) {
      int n = Math.min(chunk, to - start);
      int fed = scorer.fixedBatch() > 0 ? chunk : n;
      input.clear();
      input.put(features, start * width, n * width);
      for (int i = n * width; i < fed * width; i++) {
        input.put(0f);
      }
      input.flip();
      try (OnnxTensor tensor = OnnxTensor.createTensor(scorer.env(), input, new long[] {fed, width});
           OrtSession.Result result = scorer.session().run(Map.of(scorer.inputName(), tensor), scorer.requestedOutputs())) {
        for (int f = 0; f < fields.size(); f++) {
          PredictionField field = fields.get(f);
          OnnxValue value = result.get(field.output()).orElseThrow(
              () -> new IllegalStateException("model returned no output '" + field.output() + "'"));
          if (field.source() == PredictionField.Source.ZIPMAP) {
            readZipMap((OnnxSequence) value, field, columns[f], start, n);
          } else {
            readTensor((OnnxTensor) value, field, columns[f], start, n);
          }
        }
      }
    }
  }

  private static void readTensor(OnnxTensor t, PredictionField field, Object column, int start, int n) throws OrtException {
    long[] shape = t.getInfo().getShape();
    int stride = shape.length == 2 ? (int) shape[1] : 1;
    int col = field.column();
    switch (field.type()) {
      case FLOAT -> {
        FloatBuffer b = t.getFloatBuffer();
        float[] out = (float[]) column;
        for (int r = 0; r < n; r++) {
          out[start + r] = b.get(r * stride + col);
        }
      }
      case DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        double[] out = (double[]) column;
        for (int r = 0; r < n; r++) {
          out[start + r] = b.get(r * stride + col);
        }
      }
      case LONG -> {
        long[] out = (long[]) column;
        LongBuffer b = t.getLongBuffer();
        if (b != null) {
          for (int r = 0; r < n; r++) {
            out[start + r] = b.get(r * stride + col);
          }
        } else {
          Object v = t.getValue();
          for (int r = 0; r < n; r++) {
            out[start + r] = integralAt(v, r, col);
          }
        }
      }
      case STRING -> {
        Object v = t.getValue();
        String[] out = (String[]) column;
        for (int r = 0; r < n; r++) {
          out[start + r] = v instanceof String[][] s2 ? s2[r][col] : ((String[]) v)[r];
        }
      }
      default -> throw new IllegalStateException(field.type().name());
    }
  }

  private static long integralAt(Object v, int r, int col) {
    Object row = v.getClass().isArray() && java.lang.reflect.Array.getLength(v) > r ? java.lang.reflect.Array.get(v, r) : v;
    if (row != null && row.getClass().isArray()) {
      row = java.lang.reflect.Array.get(row, col);
    }
    if (row instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return ((Number) row).longValue();
  }

  private static void readZipMap(OnnxSequence seq, PredictionField field, Object column, int start, int n) throws OrtException {
    List<? extends OnnxValue> maps = seq.getValue();
    Object key = null;
    for (int r = 0; r < n; r++) {
      Map<?, ?> m = ((OnnxMap) maps.get(r)).getValue();
      if (key == null) {
        key = findKey(m, field);
      }
      Object v = m.get(key);
      switch (field.type()) {
        case FLOAT -> ((float[]) column)[start + r] = ((Number) v).floatValue();
        case DOUBLE -> ((double[]) column)[start + r] = ((Number) v).doubleValue();
        case LONG -> ((long[]) column)[start + r] = ((Number) v).longValue();
        case STRING -> ((String[]) column)[start + r] = String.valueOf(v);
        default -> throw new IllegalStateException(field.type().name());
      }
    }
  }

  private static Object findKey(Map<?, ?> m, PredictionField field) {
    for (Object k : m.keySet()) {
      if (String.valueOf(k).equals(field.label())) {
        return k;
      }
    }
    throw new IllegalStateException("ZipMap output '" + field.output() + "' has no class label '" + field.label()
        + "'; labels are " + m.keySet());
  }

  @Override
  public void close() {
    rows = 0;
  }
}
