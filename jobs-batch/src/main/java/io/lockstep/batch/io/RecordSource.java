package io.lockstep.batch.io;

import java.io.Closeable;
import java.io.IOException;

/** A stream of input records from one file. */
public interface RecordSource extends Closeable {
  /** The next record, or null at the end. */
  RawRecord next() throws IOException;
}
