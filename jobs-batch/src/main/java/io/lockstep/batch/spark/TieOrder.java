package io.lockstep.batch.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Finishes the {@link WindowOrder} of one partition: Spark sorts the rows by the one long
 * {@link WindowOrder#GROUP} column (each row's last) alone (a radix sort, no row comparator), which leaves rows of
 * equal group — the same 32-bit key hash and the same 1.024-second time bucket — in whatever order
 * they arrived from the shuffle. This iterator holds one such run of equal group at a time (almost
 * always a single row; at most a key's events within about a second, a few more if hashes collide)
 * and hands it on in {@code (time in millis, file, position)} order, the order of docs/spec.md
 * (Window features). Rows with a null group (no event time) are handed on as they come: they are
 * dead-lettered and never enter a window state.
 *
 * <p>A row handed out is valid until the next call (Spark's iterator contract): the consumer copies
 * what it keeps. Each run's rows are copied into one of two {@link RowArena}s, used in turn.
 */
final class TieOrder implements Iterator<InternalRow> {
  private final Iterator<InternalRow> input;
  private final Comparator<InternalRow> order;
  private RowArena filling = new RowArena();
  private RowArena draining = new RowArena();
  private List<InternalRow> fillingRows = new ArrayList<>();
  private List<InternalRow> drainingRows = new ArrayList<>();
  private int drained;
  private boolean fillingNull;
  private long fillingGroup;

  /**
   * @param timeIndex the event time column; {@code micros}: it holds microseconds, compared as
   *     {@code floorDiv(t, 1000)} as {@code WindowSet} truncates them (ties within a millisecond go
   *     by input order)
   */
  TieOrder(Iterator<InternalRow> input, int timeIndex, boolean micros, int fileIndex, int posIndex) {
    this.input = input;
    this.order = Comparator.<InternalRow>comparingLong(r -> micros ? Math.floorDiv(r.getLong(timeIndex), 1000L) : r.getLong(timeIndex))
        .thenComparingInt(r -> r.isNullAt(fileIndex) ? Integer.MAX_VALUE : r.getInt(fileIndex))
        .thenComparingLong(r -> r.isNullAt(posIndex) ? Long.MAX_VALUE : r.getLong(posIndex));
  }

  @Override
  public boolean hasNext() {
    if (drained < drainingRows.size()) {
      return true;
    }
    draining.clear();                              // the consumer has asked past the last row of the run
    drainingRows.clear();
    drained = 0;
    while (input.hasNext()) {
      InternalRow row = input.next();
      int groupIndex = row.numFields() - 1;
      boolean isNull = row.isNullAt(groupIndex);
      long group = isNull ? 0L : row.getLong(groupIndex);
      boolean startsNext = !fillingRows.isEmpty() && (isNull != fillingNull || group != fillingGroup);
      if (startsNext) {
        swap();
      }
      fillingRows.add(filling.keep(row));
      fillingNull = isNull;
      fillingGroup = group;
      if (startsNext) {
        return true;
      }
    }
    if (!fillingRows.isEmpty()) {
      swap();
      return true;
    }
    return false;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return drainingRows.get(drained++);
  }

  /** The filled run, put in order, becomes the one handed out; the emptied one is filled next. */
  private void swap() {
    if (fillingRows.size() > 1 && !fillingNull) {
      fillingRows.sort(order);                     // stable; equal (time, file, position) cannot occur
    }
    RowArena arena = draining;
    draining = filling;
    filling = arena;
    List<InternalRow> rows = drainingRows;
    drainingRows = fillingRows;
    fillingRows = rows;
    drained = 0;
  }
}
