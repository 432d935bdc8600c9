package io.lockstep.batch.spark;

import java.io.IOException;
import org.apache.avro.file.SeekableInput;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A Hadoop file as Avro's {@link SeekableInput}, so a task can {@code sync} to its range of a container. */
final class HadoopSeekableInput implements SeekableInput {
  private final FSDataInputStream in;
  private final long length;

  private HadoopSeekableInput(FSDataInputStream in, long length) {
    this.in = in;
    this.length = length;
  }

  static HadoopSeekableInput open(FileSystem fs, Path p) throws IOException {
    return new HadoopSeekableInput(fs.open(p), fs.getFileStatus(p).getLen());
  }

  @Override
  public void seek(long p) throws IOException {
    in.seek(p);
  }

  @Override
  public long tell() throws IOException {
    return in.getPos();
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
