package io.lockstep.batch.local;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The {@code _source} column ({@code file:line} of the input record) that {@code lockstep score
 * --emit-source} appends to predictions, as the Spark job's {@code --emit-features} does: it lets
 * {@code lockstep verify} join outputs without a key by source position (docs/spec.md, Verify).
 * {@code lockstep tail} writes the same column ({@code topic/partition/offset} of the input record).
 */
public final class SourceColumn {
  public static final String NAME = "_source";

  private final Schema schema;
  private final int pos;

  public SourceColumn(Schema predictions) {
    if (predictions.getField(NAME) != null) {
      throw new IllegalArgumentException("field '" + NAME + "' is reserved for --emit-source; rename the passthrough field");
    }
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : predictions.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(NAME, Schema.create(Schema.Type.STRING)));
    this.schema = Schema.createRecord(predictions.getName(), predictions.getDoc(), predictions.getNamespace(), false, fields);
    this.pos = fields.size() - 1;
  }

  public Schema schema() {
    return schema;
  }

  /** The prediction with its source appended. */
  public GenericRecord with(GenericRecord prediction, String source) {
    GenericData.Record out = new GenericData.Record(schema);
    for (int i = 0; i < pos; i++) {
      out.put(i, prediction.get(i));
    }
    out.put(pos, source);
    return out;
  }
}
