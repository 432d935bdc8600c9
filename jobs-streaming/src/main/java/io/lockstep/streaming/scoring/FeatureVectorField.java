package io.lockstep.streaming.scoring;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * {@code --with-features}: the prediction schema plus a last field {@code features} (array of
 * float), the exact float32 row the model saw. For parity checks against other levels and for
 * debugging; not part of the default output contract.
 */
public final class FeatureVectorField {
  private final Schema schema;
  private final int position;

  public FeatureVectorField(Schema prediction) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : prediction.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("features", Schema.createArray(Schema.create(Schema.Type.FLOAT)), "model input row", null));
    position = fields.size() - 1;
    schema = Schema.createRecord(prediction.getName(), prediction.getDoc(), prediction.getNamespace(), false, fields);
  }

  public Schema schema() {
    return schema;
  }

  GenericRecord with(GenericRecord prediction, float[] row) {
    GenericData.Record out = new GenericData.Record(schema);
    for (int i = 0; i < position; i++) {
      out.put(i, prediction.get(i));
    }
    List<Float> values = new ArrayList<>(row.length);
    for (float v : row) {
      values.add(v);
    }
    out.put(position, values);
    return out;
  }
}
