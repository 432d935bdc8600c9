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
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.StructField;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
    List<String> alwaysNull = alwaysNull(input);
    Dataset<Row> slim = alwaysNull.isEmpty() ? input : input.drop(alwaysNull.toArray(new String[0]));
    Dataset<Row> byKey = partitions > 0 ? slim.repartition(partitions, key) : slim.repartition(key);
    // A 64-bit hash of the key sorts first: Spark's sort compares an 8-byte prefix of the first
    // column, which for string keys sharing a prefix ("user_123…") almost never decides; the key
    // itself follows, so colliding hashes still keep each key's events contiguous.
    Dataset<Row> sorted = byKey.sortWithinPartitions(xxhash64(key), key, millis, col(InputLayout.FILE), col(InputLayout.POS));
    if (alwaysNull.isEmpty()) {
      return sorted;
    }
    // The layout again, column for column (a projection after the sort keeps its order).
    List<Column> cols = new ArrayList<>();
    for (StructField f : input.schema().fields()) {
      cols.add(alwaysNull.contains(f.name()) ? lit(null).cast(f.dataType()).as(f.name()) : col(quote(f.name())));
    }
    return sorted.select(cols.toArray(new Column[0]));
  }

  /**
   * Lockstep's own columns that are a null literal in {@code input}'s plan: the original text and
   * bytes of rows read by Spark's Parquet reader or taken from a DataFrame (they have none), and
   * the decode reason when no column needs a checked conversion. They are dropped before the
   * shuffle and put back after the sort: every row crosses the shuffle and the sort, and three
   * null columns are 24 of the ~100 bytes of a row of the golden {@code windows} schema.
   */
  private static List<String> alwaysNull(Dataset<Row> input) {
    List<String> out = new ArrayList<>();
    if (input.queryExecution().analyzed() instanceof Project project) {
      for (NamedExpression e : scala.jdk.javaapi.CollectionConverters.asJava(project.projectList())) {
        if (e instanceof Alias a && DROPPABLE.contains(a.name()) && a.child().foldable() && a.child().eval(null) == null) {
          out.add(a.name());
        }
      }
    }
    return out;
  }

  private static final Set<String> DROPPABLE = Set.of(InputLayout.TEXT, InputLayout.BYTES, InputLayout.REASON);

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
