package io.lockstep.score;

import io.lockstep.avro.AvroBinaryWriter;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.features.FieldAccessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Builds prediction records in the bundle's prediction schema from an input record, its passthrough
 * extras and one scored row of a {@link BatchScorer}. Every level writes predictions through this,
 * so field order and types are the same everywhere. {@link #build} keeps no state; {@link #encode}
 * reuses one buffer, so a builder that encodes belongs to one thread (one per task).
 */
public final class PredictionBuilder {
  private final Schema schema;
  private final int[] passthroughInput;
  private final int[] passthroughExtra;
  private final int firstPrediction;
  private final int predictionCount;
  private final int modelPos;
  private final int eventTimePos;
  private final int scoredAtPos;
  private final String modelId;
  private final Utf8 modelIdUtf8;
  private final ValueWriter[] passthroughWriters;
  private final PredictionField.Type[] predictionTypes;
  private final AvroBinaryWriter out = new AvroBinaryWriter(256);

  public PredictionBuilder(Bundle bundle, List<PredictionField> fields, List<String> keep, boolean streaming) {
    this.schema = PredictionSchema.derive(bundle, fields, keep, streaming);
    List<String> passthrough = PredictionSchema.passthrough(bundle, keep);
    List<String> extras = extras(bundle, keep);
    passthroughInput = new int[passthrough.size()];
    passthroughExtra = new int[passthrough.size()];
    for (int i = 0; i < passthrough.size(); i++) {
      Schema.Field in = bundle.inputSchema().getField(passthrough.get(i));
      passthroughInput[i] = in == null ? -1 : in.pos();
      passthroughExtra[i] = in == null ? extras.indexOf(passthrough.get(i)) : -1;
    }
    firstPrediction = passthrough.size();
    predictionCount = fields.size();
    modelPos = schema.getField("model").pos();
    eventTimePos = schema.getField("event_time") == null ? -1 : schema.getField("event_time").pos();
    scoredAtPos = schema.getField("scored_at") == null ? -1 : schema.getField("scored_at").pos();
    modelId = bundle.id();
    modelIdUtf8 = new Utf8(modelId);
    passthroughWriters = new ValueWriter[passthrough.size()];
    for (int i = 0; i < passthroughWriters.length; i++) {
      passthroughWriters[i] = ValueWriter.nullable(schema.getFields().get(i).schema());
    }
    predictionTypes = fields.stream().map(PredictionField::type).toArray(PredictionField.Type[]::new);
  }

  /** The {@code --keep} columns that are not fields of the input schema, in order: decoders return their text. */
  public static List<String> extras(Bundle bundle, List<String> keep) {
    return keep.stream().filter(k -> bundle.inputSchema().getField(k) == null).distinct().toList();
  }

  public Schema schema() {
    return schema;
  }

  /**
   * @param eventTime the event time for streaming outputs (null if none)
   * @param scoredAt epoch millis of scoring, used in streaming only
   */
  public GenericRecord build(GenericRecord input, String[] extras, BatchScorer batch, int row, Long eventTime, long scoredAt) {
    GenericData.Record out = new GenericData.Record(schema);
    for (int i = 0; i < passthroughInput.length; i++) {
      if (passthroughInput[i] >= 0) {
        Object v = input.get(passthroughInput[i]);
        out.put(i, v instanceof CharSequence cs ? cs.toString() : v);
      } else {
        out.put(i, extras == null || passthroughExtra[i] < 0 ? null : extras[passthroughExtra[i]]);
      }
    }
    for (int f = 0; f < predictionCount; f++) {
      out.put(firstPrediction + f, batch.value(f, row));
    }
    out.put(modelPos, modelId);
    if (eventTimePos >= 0) {
      out.put(eventTimePos, eventTime);
    }
    if (scoredAtPos >= 0) {
      out.put(scoredAtPos, scoredAt);
    }
    return out;
  }

  /**
   * The Avro binary of {@link #build}'s record, written straight from the values into one reused
   * {@link AvroBinaryWriter} (no encoder configured per record): no prediction record, no boxed values, no {@code Utf8 → String} copies of
   * kept strings. Byte for byte what {@code GenericDatumWriter} writes of the built record (proved
   * by {@code PredictionEncodingTest}); the streaming job's hot path. Not thread-safe.
   *
   * @param input the input record's fields (positions of {@code input.avsc})
   */
  public byte[] encode(FieldAccessor input, String[] extras, BatchScorer batch, int row, Long eventTime, long scoredAt) {
    AvroBinaryWriter w = out.reset();
    for (int i = 0; i < passthroughInput.length; i++) {
      Object v = passthroughInput[i] >= 0 ? input.get(passthroughInput[i])
          : extras == null || passthroughExtra[i] < 0 ? null : extras[passthroughExtra[i]];
      passthroughWriters[i].write(v, w);
    }
    for (int f = 0; f < predictionTypes.length; f++) {
      switch (predictionTypes[f]) {
        case FLOAT -> w.writeFloat(batch.getFloat(f, row));
        case DOUBLE -> w.writeDouble(batch.getDouble(f, row));
        case LONG -> w.writeLong(batch.getLong(f, row));
        case STRING -> w.writeString(batch.getString(f, row));
      }
    }
    w.writeString(modelIdUtf8);
    if (eventTimePos >= 0) {
      if (eventTime == null) {
        w.writeInt(0);
      } else {
        w.writeInt(1);
        w.writeLong(eventTime);
      }
    }
    if (scoredAtPos >= 0) {
      w.writeLong(scoredAt);
    }
    return w.toByteArray();
  }

  /** Writes one passthrough value of a {@code ["null", T]} field as {@code GenericDatumWriter} does. */
  @FunctionalInterface
  private interface ValueWriter {
    void write(Object value, AvroBinaryWriter out);

    /**
     * Primitive branches are written directly; any other type (enum, record, array, fixed...) goes
     * through a {@code GenericDatumWriter} of the union, exactly the general path, whose bytes are
     * then appended.
     */
    static ValueWriter nullable(Schema union) {
      Schema type = union.getTypes().get(1);
      ValueWriter direct = switch (type.getType()) {
        case STRING -> (v, out) -> out.writeString((CharSequence) v);
        case LONG -> (v, out) -> out.writeLong(((Number) v).longValue());
        case INT -> (v, out) -> out.writeInt(((Number) v).intValue());
        case DOUBLE -> (v, out) -> out.writeDouble(((Number) v).doubleValue());
        case FLOAT -> (v, out) -> out.writeFloat(((Number) v).floatValue());
        case BOOLEAN -> (v, out) -> out.writeBoolean((Boolean) v);
        default -> null;
      };
      if (direct == null) {
        return generic(union);
      }
      return (v, out) -> {
        if (v == null) {
          out.writeInt(0);
        } else {
          out.writeInt(1);
          direct.write(v, out);
        }
      };
    }

    private static ValueWriter generic(Schema union) {
      GenericDatumWriter<Object> writer = new GenericDatumWriter<>(union, GenericData.get());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      BinaryEncoder[] encoder = new BinaryEncoder[1];
      return (v, out) -> {
        bytes.reset();
        encoder[0] = EncoderFactory.get().binaryEncoder(bytes, encoder[0]);
        try {
          writer.write(v instanceof CharSequence cs ? cs.toString() : v, encoder[0]);
          encoder[0].flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        out.writeFixed(bytes.toByteArray(), 0, bytes.size());
      };
    }
  }
}
