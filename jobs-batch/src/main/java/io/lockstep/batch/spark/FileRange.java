package io.lockstep.batch.spark;

import java.io.Serializable;

/**
 * The part of one input file that one task reads ({@link SplitPlanner} decides the parts).
 *
 * <ul>
 *   <li>CSV and JSON lines: the bytes {@code [start, end)}, which begin at a line start and end just
 *       after a {@code '\n'} (or at the end of the file); {@code first} is the 1-based line number of
 *       {@code start}, so sources stay {@code file:line} exactly as level 1 counts them.</li>
 *   <li>Avro: the blocks whose preceding sync marker starts in {@code [start, end)} (Avro's own split
 *       rule, as Hadoop's {@code AvroRecordReader}); {@code first} and {@code firstBlock} are the
 *       numbers of records and blocks before, so sources stay {@code file:record} and damage
 *       names the file's own block index.</li>
 * </ul>
 *
 * @param end the end offset, or {@link #TO_END} for "to the end of the file"
 * @param next the next range's {@code first}, or {@link #TO_END} for the file's last range; a CSV
 *     range reads on until the record that starts on line {@code next}
 */
record FileRange(String path, int fileIndex, long start, long end, long first, long next, long firstBlock) implements Serializable {
  static final long TO_END = -1;

  /** The whole file, read from its start as level 1 reads it. */
  static FileRange whole(String path, int fileIndex, long firstPosition) {
    return new FileRange(path, fileIndex, 0, TO_END, firstPosition, TO_END, 0);
  }

  boolean last() {
    return next == TO_END;
  }

  boolean whole() {
    return start == 0 && end == TO_END;
  }

  String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
