package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Avro binary (or Avro single-object encoding) values against the input schema, field by
 * field, so a failure names what went wrong (docs/spec.md, Dead letters):
 * <ul>
 *   <li>bytes end before the record does (truncated) → {@code decode:record};</li>
 *   <li>a field's bytes are not a valid value (negative length, bad union index) → {@code decode:<field>};</li>
 *   <li>bytes left over after the last field, or a single-object fingerprint of another schema →
 *       {@code schema:record} (the record was written with another schema);</li>
 *   <li>a single-object value without the {@code C3 01} marker → {@code decode:record}.</li>
 * </ul>
 * Not thread-safe (reuses its decoder); one per task.
 */
public final class AvroBinaryDecoder {
  private final Schema schema;
  private final List<Schema.Field> fields;
  private final GenericDatumReader<Object>[] readers;
  private final long fingerprint;
  private BinaryDecoder decoder;
  private BoundedDatumReader.Bounded bounded;

  @SuppressWarnings("unchecked")
  public AvroBinaryDecoder(Schema schema) {
    this.schema = schema;
    this.fields = schema.getFields();
    this.readers = new GenericDatumReader[fields.size()];
    for (Schema.Field f : fields) {
      readers[f.pos()] = new BoundedDatumReader(f.schema());
    }
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Plain Avro binary of one record. */
  public Decoded decodeBinary(byte[] bytes) {
    return decode(bytes, 0);
  }

  /** Avro single-object encoding: {@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint, binary. */
  public Decoded decodeSingleObject(byte[] bytes) {
    if (bytes == null || bytes.length < 10 || (bytes[0] & 0xff) != 0xC3 || (bytes[1] & 0xff) != 0x01) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    long fp = 0;
    for (int i = 0; i < 8; i++) {
      fp |= (bytes[2 + i] & 0xffL) << (8 * i);
    }
    if (fp != fingerprint) {
      return Decoded.failed(Reason.schema(Reason.RECORD));
    }
    return decode(bytes, 10);
  }

  private Decoded decode(byte[] bytes, int offset) {
    if (bytes == null) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, decoder);
    if (bounded == null || !bounded.wraps(decoder)) {
      bounded = new BoundedDatumReader.Bounded(decoder);
    }
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : fields) {
      try {
        r.put(f.pos(), readers[f.pos()].read(null, bounded));
      } catch (EOFException e) {
        return Decoded.failed(Reason.undecodableRecord());
      } catch (IOException | RuntimeException e) {
        // Binary cannot be resynchronised after a bad field: only the fields before it are known.
        return Decoded.failed(Reason.decode(f.name()), r);
      }
    }
    try {
      if (!decoder.isEnd()) {
        return Decoded.failed(Reason.schema(Reason.RECORD));
      }
    } catch (IOException e) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    return Decoded.ok(r, new String[0]);
  }

  public long fingerprint() {
    return fingerprint;
  }
}
