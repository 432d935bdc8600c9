package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Rows Spark's one-column sort leaves tied (equal group) come out in (time, file, position) order. */
class TieOrderTest {
  /** As {@link WindowOrder} hands rows on: the group last. */
  private static final StructType SCHEMA = new StructType().add("time", DataTypes.LongType)
      .add("file", DataTypes.IntegerType).add("pos", DataTypes.LongType).add("group", DataTypes.LongType);

  /** (group, time, file, pos); null group as Long.MIN_VALUE here. */
  record R(long group, long time, int file, long pos) {}

  @Test
  void rowsOfOneGroupComeOutInTimeThenInputOrderWhateverOrderTheyArrivedIn() {
    List<R> expected = new ArrayList<>();
    Random random = new Random(3);
    for (long g = 0; g < 300; g++) {
      int n = 1 + random.nextInt(g % 10 == 0 ? 40 : 3);       // mostly one or two rows, some long runs
      for (int i = 0; i < n; i++) {
        expected.add(new R(g * 1000, 5_000 + random.nextInt(4), random.nextInt(3), random.nextInt(1_000_000)));
      }
    }
    List<R> arrived = scrambledWithinGroups(expected, random);
    expected.sort(java.util.Comparator.comparingLong(R::group).thenComparingLong(R::time).thenComparingInt(R::file)
        .thenComparingLong(R::pos));
    assertThat(drain(new TieOrder(rows(arrived), 0, false, 1, 2))).isEqualTo(expected);
  }

  @Test
  void microsecondTimesTieWithinAMillisecondAndGoByInputOrder() {
    List<R> arrived = List.of(new R(7, 1_500, 0, 1), new R(7, 1_200, 0, 2), new R(7, 999, 0, 3));
    assertThat(drain(new TieOrder(rows(arrived), 0, true, 1, 2)))
        .containsExactly(new R(7, 999, 0, 3), new R(7, 1_500, 0, 1), new R(7, 1_200, 0, 2));
  }

  @Test
  void rowsWithoutAGroupPassAsTheyCome() {
    List<R> arrived = List.of(new R(Long.MIN_VALUE, 9, 0, 5), new R(Long.MIN_VALUE, 1, 0, 4), new R(3, 2, 0, 2), new R(3, 1, 0, 3));
    assertThat(drain(new TieOrder(rows(arrived), 0, false, 1, 2)))
        .containsExactly(new R(Long.MIN_VALUE, 9, 0, 5), new R(Long.MIN_VALUE, 1, 0, 4), new R(3, 1, 0, 3), new R(3, 2, 0, 2));
  }

  @Test
  void anEmptyPartitionHasNoRows() {
    assertThat(new TieOrder(Collections.emptyIterator(), 0, false, 1, 2).hasNext()).isFalse();
  }

  private static List<R> scrambledWithinGroups(List<R> sorted, Random random) {
    List<R> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j < sorted.size() && sorted.get(j).group() == sorted.get(i).group()) {
        j++;
      }
      List<R> run = new ArrayList<>(sorted.subList(i, j));
      Collections.shuffle(run, random);
      out.addAll(run);
      i = j;
    }
    return out;
  }

  /** As Spark hands rows on: one reused UnsafeRow object. */
  private static Iterator<InternalRow> rows(List<R> rows) {
    UnsafeProjection project = UnsafeProjection.create(SCHEMA);
    Iterator<R> it = rows.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public InternalRow next() {
        R r = it.next();
        return project.apply(new GenericInternalRow(new Object[] {r.time(), r.file(), r.pos(), r.group() == Long.MIN_VALUE ? null : r.group()}));
      }
    };
  }

  private static List<R> drain(Iterator<InternalRow> it) {
    List<R> out = new ArrayList<>();
    while (it.hasNext()) {
      InternalRow r = it.next();
      out.add(new R(r.isNullAt(3) ? Long.MIN_VALUE : r.getLong(3), r.getLong(0), r.getInt(1), r.getLong(2)));
    }
    return out;
  }
}
