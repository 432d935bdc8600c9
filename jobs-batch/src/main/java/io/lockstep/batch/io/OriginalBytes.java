package io.lockstep.batch.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The {@code original} of a dead letter from a binary file (Avro, Parquet): the rejected record
 * re-encoded as Avro binary in the file's own schema, so nothing the file held is lost.
 */
final class OriginalBytes {
  private BinaryEncoder encoder;

  byte[] of(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
