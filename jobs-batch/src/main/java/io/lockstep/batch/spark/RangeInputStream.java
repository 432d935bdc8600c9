package io.lockstep.batch.spark;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The next {@code length} bytes of a stream, then the end: one task's {@link FileRange}. */
final class RangeInputStream extends FilterInputStream {
  private long left;

  RangeInputStream(InputStream in, long length) {
    super(in);
    this.left = length;
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int c = in.read();
    if (c >= 0) {
      left--;
    }
    return c;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(Math.min(n, left));
    left -= s;
    return s;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), left);
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
