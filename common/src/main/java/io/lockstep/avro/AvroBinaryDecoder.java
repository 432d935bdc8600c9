package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
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
  /** Avro values carry no extras (never written to). */
  private static final String[] NO_EXTRAS = new String[0];
  private final Schema schema;
  private final List<Schema.Field> fields;
  private final FieldReader[] readers;
  private final long fingerprint;
  private BinaryDecoder decoder;
  private BoundedDatumReader.Bounded bounded;

  public AvroBinaryDecoder(Schema schema) {
    this.schema = schema;
    this.fields = schema.getFields();
    this.readers = new FieldReader[fields.size()];
    for (Schema.Field f : fields) {
      readers[f.pos()] = FieldReader.of(f.schema());
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
        r.put(f.pos(), readers[f.pos()].read(bounded));
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
    return Decoded.ok(r, NO_EXTRAS);
  }

  public long fingerprint() {
    return fingerprint;
  }

  /**
   * Reads one field's value. Primitive types and unions of them (e.g. {@code ["null", "double"]})
   * are read straight from the decoder, giving exactly what Avro's {@code GenericDatumReader} gives
   * ({@code Utf8} strings, boxed numbers, {@code EnumSymbol}s) without its per-call resolver
   * lookups, a measurable share of a Kafka record's cost; other types go through
   * {@link BoundedDatumReader}.
   */
  @FunctionalInterface
  interface FieldReader {
    /** Reads from the bounded decoder ({@link BoundedDatumReader.Bounded}): no length claim allocates more than the value holds. */
    Object read(Decoder in) throws IOException;

    static FieldReader of(Schema s) {
      FieldReader direct = direct(s);
      if (direct != null) {
        return direct;
      }
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes();
        FieldReader[] readers = new FieldReader[branches.size()];
        for (int i = 0; i < readers.length; i++) {
          readers[i] = direct(branches.get(i));
          if (readers[i] == null) {
            return generic(s);
          }
        }
        return in -> {
          int i = in.readIndex();
          if (i < 0 || i >= readers.length) {
            throw new IOException("union index " + i + " out of range");
          }
          return readers[i].read(in);
        };
      }
      return generic(s);
    }

    private static FieldReader generic(Schema s) {
      BoundedDatumReader reader = new BoundedDatumReader(s);
      return in -> reader.read(null, in);
    }

    /**
     * A reader for a primitive or enum schema; null for anything else, for a string to be read as
     * {@code java.lang.String} and for a logical type with a registered conversion.
     */
    private static FieldReader direct(Schema s) {
      if (s.getProp(GenericData.STRING_PROP) != null
          || (s.getLogicalType() != null && GenericData.get().getConversionFor(s.getLogicalType()) != null)) {
        return null;
      }
      return switch (s.getType()) {
        case NULL -> in -> {
          in.readNull();
          return null;
        };
        case BOOLEAN -> Decoder::readBoolean;
        case INT -> Decoder::readInt;
        case LONG -> Decoder::readLong;
        case FLOAT -> Decoder::readFloat;
        case DOUBLE -> Decoder::readDouble;
        case STRING -> in -> in.readString(null);
        case ENUM -> {
          List<String> symbols = s.getEnumSymbols();
          yield in -> {
            int i = in.readEnum();
            if (i < 0 || i >= symbols.size()) {
              throw new IOException("enum index " + i + " out of range");
            }
            return new GenericData.EnumSymbol(s, symbols.get(i));
          };
        }
        default -> null;
      };
    }
  }
}
