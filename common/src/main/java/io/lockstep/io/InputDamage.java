package io.lockstep.io;

import java.io.Serializable;

/**
 * Damage found in an input file while reading it: a truncated or corrupt Avro block, a Parquet page
 * that cannot be decoded, a CSV or JSON-lines file cut in the middle of a record. The records read
 * before the damage are kept and scored; the run finishes and reports each damage in one line, and
 * exits with a distinct code (docs/spec.md, Exit codes). Every level reports damage with this type,
 * so the lines read the same on one node and on Spark.
 *
 * @param file the file's name as dead-letter sources show it
 * @param offset the byte offset where the damage starts, or {@link #UNKNOWN}
 * @param block the index (from 0) of the damaged Avro block or Parquet row group, or {@link #UNKNOWN}
 * @param detail what was found and what was skipped, for people
 */
public record InputDamage(String file, long offset, long block, String detail) implements Serializable {
  public static final long UNKNOWN = -1;

  public InputDamage {
    detail = detail == null ? "unreadable" : detail.replace('\n', ' ');
  }

  public static InputDamage atByte(String file, long offset, String detail) {
    return new InputDamage(file, offset, UNKNOWN, detail);
  }

  public static InputDamage inBlock(String file, long block, long offset, String detail) {
    return new InputDamage(file, offset, block, detail);
  }

  /** One line for people: {@code events.avro: damaged at byte 120,832 (block 12): file ends inside the block}. */
  public String line() {
    StringBuilder s = new StringBuilder(file).append(": damaged");
    if (offset != UNKNOWN) {
      s.append(String.format(" at byte %,d", offset));
    }
    if (block != UNKNOWN) {
      s.append(offset != UNKNOWN ? " (block " + block + ")" : " in block " + block);
    }
    return s.append(": ").append(detail).toString();
  }
}
