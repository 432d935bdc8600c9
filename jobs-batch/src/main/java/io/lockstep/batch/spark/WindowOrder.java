package io.lockstep.batch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.shiftleft;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.FieldType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * The order window features need (docs/spec.md, Window features): all events of a key in one
 * partition, each key's events in {@code (time, input order)}. One shuffle by key, then a sort
 * within partitions by one long, the group ({@link #GROUP}): the high 32 bits of
 * {@code xxhash64(key)} above the event time in 1.024-second buckets (clamped to 32 bits
 * unsigned). {@link TieOrder} then puts the rows of equal group in {@code (time, file, position)}
 * order as they stream into {@link PartitionScorer}.
 *
 * <p>Why one long: Spark sorts a single integral column with a radix sort and no row comparator.
 * The order before, {@code (xxhash64(key), key, time, file, position)}, was a comparison sort
 * whose 8-byte prefix (the hash) tied on every comparison inside a key's events, each going on to
 * the full-row comparator (key bytes, then time, then order): most of the sort's cost in
 * {@code SparkWindowBench}. Rows of equal group are rare (one key's events within about a second)
 * and few, so ordering them in the task costs next to nothing. Since the bucket is monotone in
 * time, the resulting order is {@code (hash32, time, file, position)}: each key's events are in
 * window order, and the keys of one hash run are interleaved only when their 32-bit hashes collide.
 * {@link PartitionScorer} keeps one window state per distinct key within a run of equal hashes
 * ({@link HashRunStates}), so colliding keys never share a state. No self-join, no per-key
 * collection. Input order is the file index and line (or record number) carried from the read,
 * never a value computed after a shuffle.
 */
public final class WindowOrder {
  private WindowOrder() {}

  /**
   * The sort group column. The rows this order hands on are the {@link InputLayout} columns less
   * a trailing run of columns that are a null literal for the whole input ({@link #nullTail}),
   * then the group: its index is the row's last, {@code row.numFields() - 1}, and a layout column
   * at or past it is null.
   */
  static final String GROUP = "_ls_group";

  /** The hash whose high 32 bits make a key's run: Spark's {@code xxhash64}. Tests inject a colliding one. */
  static final UnaryOperator<Column> XXHASH64 = k -> xxhash64(k);

  /** Bits of the event time in millis dropped for the bucket: 2^10 ms buckets span 139 years from 1970 in 32 bits. */
  static final int BUCKET_SHIFT = 10;

  static Dataset<Row> apply(Dataset<Row> input, FeatureSpec spec, Schema inputSchema, int partitions) {
    return apply(input, spec, inputSchema, partitions, XXHASH64);
  }

  /**
   * The group is computed before the shuffle, in the projection that decodes the input anyway: 8
   * bytes more per shuffled row, where computing it after the shuffle took a projection that
   * copies every row once more. Nothing is projected after the sort either: dropped null columns
   * stay dropped, and {@link PartitionScorer} reads them as null.
   *
   * @param keyHash a 64-bit hash of the key column (the high 32 bits are used)
   */
  static Dataset<Row> apply(Dataset<Row> input, FeatureSpec spec, Schema inputSchema, int partitions, UnaryOperator<Column> keyHash) {
    Column key = col(quote(spec.key()));
    Column time = col(quote(spec.time()));
    boolean micros = FieldType.of(inputSchema.getField(spec.time()).schema()).micros();
    // floorDiv(t, 1000), as WindowSet truncates micros: ties within a millisecond go by input order.
    Column millis = micros ? time.minus(pmod(time, lit(1000L))).divide(lit(1000L)).cast("long") : time;
    List<String> nullTail = nullTail(input);
    Dataset<Row> slim = nullTail.isEmpty() ? input : input.drop(nullTail.toArray(new String[0]));
    Dataset<Row> grouped = slim.withColumn(GROUP, group(keyHash.apply(key), millis));
    int n = partitions(input, partitions);
    Dataset<Row> byKey = n > 0 ? grouped.repartition(n, key) : grouped.repartition(key);
    return byKey.sortWithinPartitions(col(GROUP));
  }

  /**
   * Partitions of the window shuffle: {@code requested} when above 0; else 0 (Spark's
   * {@code spark.sql.shuffle.partitions}) when that is set anywhere (spark-submit {@code --conf},
   * spark-defaults, the session); else about as many as the input has read tasks, at least the
   * default parallelism: Spark's own default for RDD shuffles, and one that grows with the input.
   * Read from the logical plan, never by executing anything: an input made by Lockstep's readers
   * (an RDD of file ranges) has its ranges' count; any other input its estimated size over
   * {@code spark.sql.files.maxPartitionBytes} (0, Spark's setting, when the size is unknown).
   * Spark SQL's fixed default of 200 made every map task write 200 partitions (one file stream
   * each) for inputs that fill a handful: in {@code SparkWindowBench} at 1 M rows on 2 cores, the
   * shuffle cost 1.10 CPU s with 200 and 0.66 with 4. Adaptive execution still coalesces small
   * reduce partitions.
   */
  public static int partitions(Dataset<Row> input, int requested) {
    if (requested > 0) {
      return requested;
    }
    if (!(input.sparkSession() instanceof org.apache.spark.sql.classic.SparkSession classic)
        || classic.sessionState().conf().contains(SHUFFLE_PARTITIONS)) {
      return 0;
    }
    LogicalPlan plan = input.queryExecution().optimizedPlan();
    long n = classic.sparkContext().defaultParallelism();
    boolean other = false;
    for (LogicalPlan leaf : scala.jdk.javaapi.CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf instanceof LogicalRDD rdd) {
        n = Math.max(n, rdd.rdd().getNumPartitions());
      } else {
        other = true;
      }
    }
    if (other) {
      scala.math.BigInt size = plan.stats().sizeInBytes();
      if (!size.isValidLong() || size.longValue() >= classic.sessionState().conf().defaultSizeInBytes()) {
        return 0;
      }
      long split = Math.max(1L, classic.sessionState().conf().filesMaxPartitionBytes());
      n = Math.max(n, (size.longValue() + split - 1) / split);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";

  /**
   * {@code hash[63..32] << 32 | clamp(millis >> 10, 0, 2^32 - 1)}: compared as a signed long it
   * orders by the hash's high half, then by the time bucket (unsigned in the low half). Null when
   * the time is null (the row is dead-lettered, never enters a state).
   */
  public static Column group(Column hash, Column millis) {
    Column high = shiftleft(shiftright(hash, 32), 32);
    Column bucket = greatest(lit(0L), least(lit(0xFFFF_FFFFL), shiftright(millis, BUCKET_SHIFT)));
    return when(millis.isNotNull(), high.bitwiseOR(bucket));      // least/greatest skip nulls: say it
  }

  /** The run a {@link #group} value belongs to: its high 32 bits (the key hash's). */
  static long run(long group) {
    return group >> 32;
  }

  /**
   * The last columns of {@code input}'s layout that are a null literal in its plan: of the original
   * bytes, the original text and the decode reason (in that order from the end), as many as are
   * null literals. Rows read by Spark's Parquet reader or taken from a DataFrame have no original
   * text or bytes, and no reason when no column needs a checked conversion. Every row crosses the
   * shuffle and the sort, and three null columns are 24 of the ~100 bytes of a row of the golden
   * {@code windows} schema.
   */
  private static List<String> nullTail(Dataset<Row> input) {
    java.util.Set<String> nullLiterals = new java.util.HashSet<>();
    if (input.queryExecution().analyzed() instanceof Project project) {
      for (NamedExpression e : scala.jdk.javaapi.CollectionConverters.asJava(project.projectList())) {
        if (e instanceof Alias a && a.child().foldable() && a.child().eval(null) == null) {
          nullLiterals.add(a.name());
        }
      }
    }
    String[] names = input.schema().fieldNames();
    List<String> out = new ArrayList<>();
    for (int i = names.length - 1; i >= 0 && TAIL.contains(names[i]) && nullLiterals.contains(names[i]); i--) {
      out.add(names[i]);
    }
    return out;
  }

  private static final Set<String> TAIL = Set.of(InputLayout.TEXT, InputLayout.BYTES, InputLayout.REASON);

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
