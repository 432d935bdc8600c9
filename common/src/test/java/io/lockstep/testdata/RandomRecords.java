package io.lockstep.testdata;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Valid records of any flat input schema from a seeded {@link Random}: tests of damaged files,
 * killed runs and the fuzz suite generate their inputs with it instead of copying a fixture, so each
 * seed gives other sizes and bytes, reproducibly.
 */
public final class RandomRecords {
  private final Schema schema;
  private final Random random;

  public RandomRecords(Schema schema, long seed) {
    this.schema = schema;
    this.random = new Random(seed);
  }

  public List<GenericData.Record> next(int n) {
    List<GenericData.Record> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  public GenericData.Record next() {
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      r.put(f.pos(), value(f.schema(), f.name()));
    }
    return r;
  }

  private Object value(Schema s, String field) {
    switch (s.getType()) {
      case UNION:
        List<Schema> branches = s.getTypes();
        Schema b = branches.get(random.nextInt(branches.size()));
        return b.getType() == Schema.Type.NULL && random.nextInt(4) != 0 ? value(nonNull(s), field) : value(b, field);
      case NULL:
        return null;
      case STRING:
        return field.charAt(0) + Integer.toString(random.nextInt(1_000_000));
      case INT:
        return random.nextInt(200);
      case LONG:
        return 1_700_000_000_000L + random.nextInt(1_000_000_000);
      case DOUBLE:
        return Math.round(random.nextDouble() * 100_000) / 100.0;
      case FLOAT:
        return random.nextInt(100) / 100f;
      case BOOLEAN:
        return random.nextBoolean();
      case ENUM:
        return new GenericData.EnumSymbol(s, s.getEnumSymbols().get(random.nextInt(s.getEnumSymbols().size())));
      default:
        throw new IllegalArgumentException("RandomRecords: unsupported type " + s.getType() + " of field " + field);
    }
  }

  private static Schema nonNull(Schema union) {
    return union.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
  }
}
