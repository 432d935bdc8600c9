package io.lockstep.batch.io;

import java.io.Closeable;
import java.io.IOException;
import org.apache.avro.generic.GenericRecord;

/** Writes records of one schema to one file. */
public interface RecordWriter extends Closeable {
  void write(GenericRecord record) throws IOException;
}
