package io.lockstep.avro;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A datum reader for one Avro binary value held in memory that never allocates more than the value
 * holds. Avro's decoder allocates a string or bytes of the length the data claims before it finds
 * the bytes missing, so a 60-byte Kafka value claiming a 2 GB string threw {@link OutOfMemoryError}
 * (found by the fuzz suite). Here the binary decoder is wrapped by {@link Bounded}, where a length
 * beyond the bytes left is a truncated value ({@link EOFException}: {@code decode:record}), and
 * arrays and maps start small and grow.
 */
final class BoundedDatumReader extends GenericDatumReader<Object> {
  private static final int MAX_INITIAL_CAPACITY = 1024;

  BoundedDatumReader(Schema schema) {
    super(schema, schema, GenericData.get());
  }

  @Override
  protected Object newArray(Object old, int size, Schema schema) {
    return super.newArray(old, Math.min(size, MAX_INITIAL_CAPACITY), schema);
  }

  @Override
  protected Object newMap(Object old, int size) {
    return super.newMap(old, Math.min(size, MAX_INITIAL_CAPACITY));
  }

  /** A binary decoder whose strings and bytes are checked against the bytes left before anything is allocated. */
  static final class Bounded extends Decoder {
    private final BinaryDecoder in;

    Bounded(BinaryDecoder in) {
      this.in = in;
    }

    boolean wraps(BinaryDecoder d) {
      return in == d;
    }

    private byte[] boundedBytes() throws IOException {
      long length = in.readLong();
      if (length < 0) {
        throw new AvroRuntimeException("Malformed data. Length is negative: " + length);
      }
      if (length > in.inputStream().available()) {
        throw new EOFException("a length of " + length + " bytes exceeds the value");
      }
      byte[] bytes = new byte[(int) length];
      in.readFixed(bytes);
      return bytes;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
      return new Utf8(boundedBytes());
    }

    @Override
    public String readString() throws IOException {
      return new String(boundedBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
      return ByteBuffer.wrap(boundedBytes());
    }

    @Override
    public void readNull() throws IOException {
      in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
      return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
      return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
      return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
      return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
      return in.readDouble();
    }

    @Override
    public void skipString() throws IOException {
      in.skipString();
    }

    @Override
    public void skipBytes() throws IOException {
      in.skipBytes();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
      in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
      in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
      return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
      return in.readArrayStart();
    }

    @Override
    public long arrayNext() throws IOException {
      return in.arrayNext();
    }

    @Override
    public long skipArray() throws IOException {
      return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
      return in.readMapStart();
    }

    @Override
    public long mapNext() throws IOException {
      return in.mapNext();
    }

    @Override
    public long skipMap() throws IOException {
      return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
      return in.readIndex();
    }
  }
}
