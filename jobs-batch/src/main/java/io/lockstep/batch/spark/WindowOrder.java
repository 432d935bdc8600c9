package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.FieldType;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The order window features need (docs/spec.md, Window features): all events of a key in one partition, sorted by
 * {@code (time, input order)}. One shuffle by key, then a sort within partitions by
 * {@code (hash of key, key, time in millis, file, position)} so that each key's events are contiguous and
 * {@link PartitionScorer} can stream them through one window state at a time: no self-join, no
 * per-key collection. Input order is the file path and line (or record number) carried from the
 * read, never a value computed after a shuffle.
 */
final class WindowOrder {
  private WindowOrder() {}

  static Dataset<Row> apply(Dataset<Row> input, FeatureSpec spec, Schema inputSchema, int partitions) {
    Column key = col(quote(spec.key()));
    Column time = col(quote(spec.time()));
    boolean micros = FieldType.of(inputSchema.getField(spec.time()).schema()).micros();
    // floorDiv(t, 1000), as WindowSet truncates micros: ties within a millisecond go by input order.
    Column millis = micros ? time.minus(pmod(time, lit(1000L))).divide(lit(1000L)).cast("long") : time;
    Dataset<Row> byKey = partitions > 0 ? input.repartition(partitions, key) : input.repartition(key);
    // A 64-bit hash of the key sorts first: Spark's sort compares an 8-byte prefix of the first
    // column, which for string keys sharing a prefix ("user_123…") almost never decides; the key
    // itself follows, so colliding hashes still keep each key's events contiguous.
    return byKey.sortWithinPartitions(xxhash64(key), key, millis, col(InputLayout.FILE), col(InputLayout.POS));
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
