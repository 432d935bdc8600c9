package io.lockstep.features;

/**
 * Reads one input record's fields by their position in {@code input.avsc}. Avro {@code GenericRecord},
 * Spark {@code Row} and decoded CSV/JSON values all adapt to this, so the feature logic exists once.
 *
 * <p>Values are {@code null}, {@link Boolean}, {@link Integer}, {@link Long}, {@link Float},
 * {@link Double} or a {@link CharSequence}; anything else is read through {@code toString()}.
 */
@FunctionalInterface
public interface FieldAccessor {
  Object get(int fieldIndex);

  /** Adapts an Avro record whose schema is the bundle's input schema. */
  static FieldAccessor of(org.apache.avro.generic.IndexedRecord record) {
    return record::get;
  }
}
