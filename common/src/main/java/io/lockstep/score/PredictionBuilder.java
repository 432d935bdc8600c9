package io.lockstep.score;

import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds prediction records in the bundle's prediction schema from an input record, its passthrough
 * extras and one scored row of a {@link BatchScorer}. Every level writes predictions through this,
 * so field order and types are the same everywhere.
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
}
