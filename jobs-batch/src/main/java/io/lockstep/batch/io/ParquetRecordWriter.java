package io.lockstep.batch.io;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** A Parquet file written without Spark (parquet-avro to a local file, snappy). */
public final class ParquetRecordWriter implements RecordWriter {
  private final ParquetWriter<GenericRecord> writer;

  public ParquetRecordWriter(Path file, Schema schema) throws IOException {
    this.writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
        .withSchema(schema)
        .withDataModel(GenericData.get())
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build();
  }

  @Override
  public void write(GenericRecord record) throws IOException {
    writer.write(record);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
