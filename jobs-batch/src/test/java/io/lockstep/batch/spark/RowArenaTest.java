package io.lockstep.batch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class RowArenaTest {
  private static final StructType SCHEMA = new StructType().add("key", DataTypes.StringType).add("x", DataTypes.DoubleType)
      .add("pos", DataTypes.LongType);

  @Test
  void keptRowsSurviveTheSourceRowBeingReusedAndTheArenaGrowing() {
    UnsafeProjection project = UnsafeProjection.create(SCHEMA);   // reuses one output row, as Spark's iterators do
    RowArena arena = new RowArena();
    List<InternalRow> kept = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {                              // ~200 kB: the 64 kB arena grows twice
      UnsafeRow row = project.apply(new GenericInternalRow(new Object[] {UTF8String.fromString("key-" + i), i * 0.5, (long) i}));
      kept.add(arena.keep(row));
    }
    for (int i = 0; i < kept.size(); i++) {
      assertThat(kept.get(i).getUTF8String(0).toString()).isEqualTo("key-" + i);
      assertThat(kept.get(i).getDouble(1)).isEqualTo(i * 0.5);
      assertThat(kept.get(i).getLong(2)).isEqualTo(i);
    }
  }

  @Test
  void afterClearTheNextBatchReusesTheSpaceAndHoldsItsOwnValues() {
    UnsafeProjection project = UnsafeProjection.create(SCHEMA);
    RowArena arena = new RowArena();
    for (int batch = 0; batch < 3; batch++) {
      arena.clear();
      List<InternalRow> kept = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        kept.add(arena.keep(project.apply(new GenericInternalRow(new Object[] {UTF8String.fromString(batch + "/" + i), null, (long) i}))));
      }
      for (int i = 0; i < 100; i++) {
        assertThat(kept.get(i).getUTF8String(0).toString()).isEqualTo(batch + "/" + i);
        assertThat(kept.get(i).isNullAt(1)).isTrue();
      }
    }
  }

  @Test
  void rowsThatAreNotUnsafeRowsAreCopied() {
    RowArena arena = new RowArena();
    GenericInternalRow source = new GenericInternalRow(new Object[] {UTF8String.fromString("a"), 1.0, 1L});
    InternalRow kept = arena.keep(source);
    source.update(2, 2L);
    assertThat(kept.getLong(2)).isEqualTo(1L);
  }
}
