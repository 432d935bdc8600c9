package io.lockstep.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Zig-zag variable-length longs (7 bits a byte, as in protobuf and Avro) for the compact window
 * state: an event time stored as the distance to its neighbour takes 2–4 bytes instead of 8.
 */
final class VarInts {
  private VarInts() {}

  static void writeLong(DataOutput out, long v) throws IOException {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.writeByte((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.writeByte((int) z);
  }

  static long readLong(DataInput in) throws IOException {
    long z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      z |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (z >>> 1) ^ -(z & 1);
      }
    }
    throw new IOException("malformed variable-length number in window state");
  }

  static int readCount(DataInput in) throws IOException {
    long n = readLong(in);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new IOException("impossible element count " + n + " in window state");
    }
    return (int) n;
  }
}
