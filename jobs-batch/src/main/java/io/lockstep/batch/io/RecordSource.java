package io.lockstep.batch.io;

import io.lockstep.io.InputDamage;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** A stream of input records from one file. */
public interface RecordSource extends Closeable {
  /** The next record, or null at the end. */
  RawRecord next() throws IOException;

  /**
   * The damage found so far (docs/spec.md, Exit codes): complete once {@link #next()} returned null.
   * A source keeps the records read before a damage and, where the format allows, goes on after it.
   */
  default List<InputDamage> damage() {
    return List.of();
  }
}
