package io.lockstep.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV record reader that keeps what dead letters need: the line each record starts on
 * and its raw text. Quoted fields may hold commas, {@code ""} and line breaks. An empty unquoted cell
 * is returned as null and a quoted {@code ""} as the empty string. A record with a stray quote or
 * text after a closing quote is marked malformed (it becomes {@code decode:record}), and reading goes
 * on with the next record.
 *
 * <p>A quoted field is bounded (docs/spec.md, Reading inputs): at most {@link #MAX_QUOTED_LINE_BREAKS}
 * line breaks and {@link #MAX_QUOTED_CHARS} characters. A quote still open past either bound, or at
 * the end of input, is taken as a quote that was never closed: the record is the text up to the end
 * of the line the quote opened on, marked malformed, and reading resumes on the next line. One
 * unclosed quote so costs one dead letter instead of swallowing the rest of the file.
 *
 * <p>Text read through {@link EscapingUtf8Reader} keeps invalid UTF-8 bytes as lone surrogates; a
 * record holding one is marked {@code invalidUtf8}.
 */
public final class CsvParser {
  /** Line breaks one quoted field may hold. */
  public static final int MAX_QUOTED_LINE_BREAKS = 100;
  /** Characters one quoted field may hold. */
  public static final int MAX_QUOTED_CHARS = 1 << 20;

  private final Reader in;
  private final int maxLineBreaks;
  private final int maxChars;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int len;
  private boolean eof;
  private String replay = "";
  private int replayPos;
  private int line = 1;

  /**
   * One parsed record.
   *
   * @param malformed a stray quote, text after a closing quote, or an unclosed quote
   * @param invalidUtf8 the raw text holds bytes that are not UTF-8 ({@link EscapingUtf8Reader})
   * @param terminated the record ended with a line break (false only for the last record of a file)
   */
  public record Row(List<String> cells, int line, String raw, boolean malformed, boolean invalidUtf8, boolean terminated) {}

  public CsvParser(Reader in) {
    this(in, MAX_QUOTED_LINE_BREAKS, MAX_QUOTED_CHARS);
  }

  public CsvParser(Reader in, int maxLineBreaks, int maxChars) {
    this.in = in;
    this.maxLineBreaks = maxLineBreaks;
    this.maxChars = maxChars;
  }

  private int peek() throws IOException {
    if (replayPos < replay.length()) {
      return replay.charAt(replayPos);
    }
    if (pos == len) {
      if (eof) {
        return -1;
      }
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        eof = true;
        len = 0;
        return -1;
      }
    }
    return buf[pos];
  }

  private void skip() {
    if (replayPos < replay.length()) {
      replayPos++;
    } else {
      pos++;
    }
  }

  private int next(StringBuilder raw) throws IOException {
    int c = peek();
    if (c >= 0) {
      skip();
      raw.append((char) c);
    }
    return c;
  }

  /**
   * Numbers the next record's line {@code line}, for a reader that starts inside a file (Spark reads
   * a large file in ranges, each from a line start, see docs/spark.md). Call between records.
   */
  public void continueAtLine(int line) {
    this.line = line;
  }

  /** The next record, or null at the end of input. Blank lines yield a row with one null cell. */
  public Row next() throws IOException {
    if (peek() < 0) {
      return null;
    }
    int startLine = line;
    StringBuilder raw = new StringBuilder();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean malformed = false;
    boolean surrogates = false;
    while (true) {
      int c = peek();
      boolean quoted = false;
      cell.setLength(0);
      if (c == '"') {
        quoted = true;
        int quoteAt = raw.length();
        int quoteLine = line;
        next(raw);
        int breaks = 0;
        boolean closed = false;
        while (true) {
          int q = next(raw);
          if (q < 0) {
            break;
          }
          if (q == '"') {
            if (peek() == '"') {
              next(raw);
              cell.append('"');
            } else {
              closed = true;
              break;
            }
          } else {
            if (q == '\n') {
              line++;
              breaks++;
            }
            surrogates |= Character.isSurrogate((char) q);
            cell.append((char) q);
            if (breaks > maxLineBreaks || cell.length() > maxChars) {
              break;
            }
          }
        }
        if (!closed) {
          return unclosedQuote(raw, quoteAt, quoteLine, startLine);
        }
        c = peek();
        if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
          malformed = true;
          while ((c = peek()) >= 0 && c != ',' && c != '\n' && c != '\r') {
            surrogates |= Character.isSurrogate((char) c);
            next(raw);
          }
        }
      } else {
        while ((c = peek()) >= 0 && c != ',' && c != '\n' && c != '\r') {
          if (c == '"') {
            malformed = true;
          }
          surrogates |= Character.isSurrogate((char) c);
          cell.append((char) next(raw));
        }
      }
      cells.add(quoted || cell.length() > 0 ? cell.toString() : null);
      c = peek();
      if (c == ',') {
        next(raw);
        continue;
      }
      boolean terminated = endLine(c);
      return new Row(cells, startLine, raw.toString(), malformed,
          surrogates && EscapingUtf8Reader.hasEscapes(raw), terminated);
    }
  }

  /** Consumes the line break at {@code c}: \n, \r\n or \r; false at the end of input. */
  private boolean endLine(int c) throws IOException {
    if (c == '\r') {
      skip();
      if (peek() == '\n') {
        skip();
      }
      line++;
      return true;
    } else if (c == '\n') {
      skip();
      line++;
      return true;
    }
    return false;
  }

  /**
   * A quote never closed (bound passed or end of input): the record ends with the line the quote
   * opened on; the text after that line is read again.
   */
  private Row unclosedQuote(StringBuilder raw, int quoteAt, int quoteLine, int startLine) throws IOException {
    if (line == quoteLine) {
      // The bound was passed on the quote's own line: the record still runs to that line's end.
      int c;
      while ((c = peek()) >= 0 && c != '\n' && c != '\r') {
        next(raw);
      }
      if (c >= 0 && next(raw) == '\r' && peek() == '\n') {
        next(raw);
      }
    }
    int end = quoteAt;
    while (end < raw.length() && raw.charAt(end) != '\n' && raw.charAt(end) != '\r') {
      end++;
    }
    boolean terminated = end < raw.length();
    int resume = end;
    if (terminated) {
      resume += raw.charAt(end) == '\r' && end + 1 < raw.length() && raw.charAt(end + 1) == '\n' ? 2 : 1;
    }
    replay = raw.substring(resume) + replay.substring(replayPos);
    replayPos = 0;
    line = quoteLine + (terminated ? 1 : 0);
    String record = raw.substring(0, end);
    return new Row(List.of(record), startLine, record, true, EscapingUtf8Reader.hasEscapes(record), terminated);
  }

  /** Whether a row is an empty line (skipped by readers). */
  public static boolean isBlank(Row row) {
    return row.cells().size() == 1 && row.cells().get(0) == null && row.raw().isEmpty();
  }
}
