package io.lockstep.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 CSV record reader that keeps what dead letters need: the line each record starts on
 * and its raw text. Quoted fields may hold commas, {@code ""} and line breaks. An empty unquoted cell
 * is returned as null and a quoted {@code ""} as the empty string. A record with a stray quote, text
 * after a closing quote, or a quote left open at the end of input is marked malformed (it becomes
 * {@code decode:record}), and reading goes on with the next line.
 */
public final class CsvParser {
  private final Reader in;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int len;
  private int line = 1;
  private boolean eof;

  /** One parsed record. */
  public record Row(List<String> cells, int line, String raw, boolean malformed) {}

  public CsvParser(Reader in) {
    this.in = in;
  }

  private int peek() throws IOException {
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

  private int next(StringBuilder raw) throws IOException {
    int c = peek();
    if (c >= 0) {
      pos++;
      raw.append((char) c);
    }
    return c;
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
    while (true) {
      int c = peek();
      boolean quoted = false;
      cell.setLength(0);
      if (c == '"') {
        quoted = true;
        next(raw);
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
            }
            cell.append((char) q);
          }
        }
        if (!closed) {
          malformed = true;
        }
        c = peek();
        if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
          malformed = true;
          while ((c = peek()) >= 0 && c != ',' && c != '\n' && c != '\r') {
            next(raw);
          }
        }
      } else {
        while ((c = peek()) >= 0 && c != ',' && c != '\n' && c != '\r') {
          if (c == '"') {
            malformed = true;
          }
          cell.append((char) next(raw));
        }
      }
      cells.add(quoted || cell.length() > 0 ? cell.toString() : null);
      c = peek();
      if (c == ',') {
        next(raw);
        continue;
      }
      // end of record: \n, \r\n, \r or end of input
      if (c == '\r') {
        pos++;
        if (peek() == '\n') {
          pos++;
        }
        line++;
      } else if (c == '\n') {
        pos++;
        line++;
      }
      return new Row(cells, startLine, raw.toString(), malformed);
    }
  }

  /** Whether a row is an empty line (skipped by readers). */
  public static boolean isBlank(Row row) {
    return row.cells().size() == 1 && row.cells().get(0) == null && row.raw().isEmpty();
  }
}
