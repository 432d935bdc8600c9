package io.lockstep.batch.io;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/** An Avro container file (snappy-free deflate, level 1: fast and dependency-free). */
public final class AvroRecordWriter implements RecordWriter {
  private final DataFileWriter<GenericRecord> writer;

  public AvroRecordWriter(OutputStream out, Schema schema) throws IOException {
    this.writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
    writer.setCodec(CodecFactory.deflateCodec(1));
    writer.create(schema, out);
  }

  @Override
  public void write(GenericRecord record) throws IOException {
    writer.append(record);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
