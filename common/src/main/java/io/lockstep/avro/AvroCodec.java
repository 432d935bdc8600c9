package io.lockstep.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Encodes records as Avro binary or single-object encoding (Kafka values). Not thread-safe. */
public final class AvroCodec {
  private final GenericDatumWriter<GenericRecord> writer;
  private final byte[] singleObjectHeader;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;

  public AvroCodec(Schema schema) {
    this.writer = new GenericDatumWriter<>(schema, GenericData.get());
    long fp = SchemaNormalization.parsingFingerprint64(schema);
    singleObjectHeader = new byte[10];
    singleObjectHeader[0] = (byte) 0xC3;
    singleObjectHeader[1] = 0x01;
    for (int i = 0; i < 8; i++) {
      singleObjectHeader[2 + i] = (byte) (fp >>> (8 * i));
    }
  }

  public byte[] binary(GenericRecord record) {
    return encode(record, false);
  }

  public byte[] singleObject(GenericRecord record) {
    return encode(record, true);
  }

  private byte[] encode(GenericRecord record, boolean header) {
    bytes.reset();
    try {
      if (header) {
        bytes.write(singleObjectHeader);
      }
      encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
