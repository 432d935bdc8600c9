package io.lockstep.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.util.Utf8;

/**
 * Avro binary encoding of primitive values into one reused, growing byte array: what Avro's
 * {@code BinaryEncoder} writes (zig-zag varints, little-endian IEEE floats and doubles with their
 * raw bits, length-prefixed UTF-8), without its buffer configuration, flushes and output stream per
 * value. The streaming job writes one prediction per record with it; {@code AvroBinaryWriterTest}
 * proves it byte for byte against {@code BinaryEncoder} on random values. Not thread-safe.
 */
public final class AvroBinaryWriter {
  private byte[] buf;
  private int pos;

  public AvroBinaryWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** Starts a new value: forgets what was written. */
  public AvroBinaryWriter reset() {
    pos = 0;
    return this;
  }

  /** The bytes written since {@link #reset()}, as a new array. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  public int size() {
    return pos;
  }

  public void writeNull() {
    // null takes no bytes
  }

  public void writeBoolean(boolean b) {
    ensure(1);
    buf[pos++] = (byte) (b ? 1 : 0);
  }

  /** A union branch index, an enum symbol index, an int: zig-zag varint. */
  public void writeInt(int n) {
    writeLong(n);
  }

  public void writeLong(long n) {
    ensure(10);
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[pos++] = (byte) z;
  }

  public void writeFloat(float f) {
    ensure(4);
    int bits = Float.floatToRawIntBits(f);
    buf[pos++] = (byte) bits;
    buf[pos++] = (byte) (bits >>> 8);
    buf[pos++] = (byte) (bits >>> 16);
    buf[pos++] = (byte) (bits >>> 24);
  }

  public void writeDouble(double d) {
    ensure(8);
    long bits = Double.doubleToRawLongBits(d);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (bits >>> (8 * i));
    }
  }

  /** A string: {@code Utf8} bytes as they are, any other text as UTF-8 (as {@code Encoder.writeString} does). */
  public void writeString(CharSequence s) {
    if (s instanceof Utf8 u) {
      writeBytes(u.getBytes(), 0, u.getByteLength());
    } else {
      byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
      writeBytes(b, 0, b.length);
    }
  }

  /** Length-prefixed bytes (Avro {@code bytes}, or a string's UTF-8). */
  public void writeBytes(byte[] b, int offset, int length) {
    writeLong(length);
    writeFixed(b, offset, length);
  }

  /** Raw bytes, no length (Avro {@code fixed}, or bytes already encoded). */
  public void writeFixed(byte[] b, int offset, int length) {
    ensure(length);
    System.arraycopy(b, offset, buf, pos, length);
    pos += length;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }
}
