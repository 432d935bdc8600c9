package io.lockstep.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 text in which every byte that is not valid UTF-8 is kept, escaped as a lone low
 * surrogate {@code U+DC80..U+DCFF} (as Python's {@code surrogateescape} does), instead of being
 * silently replaced with U+FFFD. Valid UTF-8 never decodes to a lone surrogate, so a reader of the
 * text can tell exactly which records held invalid bytes ({@link #hasEscapes}) and dead-letter them
 * with their original bytes ({@link #originalBytes}); docs/spec.md, Reading inputs.
 */
public final class EscapingUtf8Reader extends Reader {
  private static final char ESCAPE = 0xDC00;

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
  private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
  private boolean eof;
  private boolean flushed;

  public EscapingUtf8Reader(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!chars.hasRemaining() && !fill()) {
      return -1;
    }
    int n = Math.min(len, chars.remaining());
    chars.get(cbuf, off, n);
    return n;
  }

  /** Decodes more chars; false at the end of input. */
  private boolean fill() throws IOException {
    if (flushed) {
      return false;
    }
    chars.clear();
    while (chars.position() == 0) {
      CoderResult r = decoder.decode(bytes, chars, eof);
      if (r.isError()) {
        for (int i = 0; i < r.length(); i++) {
          chars.put((char) (ESCAPE | (bytes.get() & 0xFF)));
        }
      } else if (r.isUnderflow()) {
        if (eof) {
          decoder.flush(chars);
          flushed = true;
          break;
        }
        readMore();
      } else {
        break;
      }
    }
    chars.flip();
    return chars.hasRemaining();
  }

  private void readMore() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      eof = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  /** Whether text read by this reader holds an escaped byte (a lone surrogate). */
  public static boolean hasEscapes(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** The bytes the text was read from: escaped bytes as they were, the rest as UTF-8. */
  public static byte[] originalBytes(CharSequence text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (c >= 0xDC80 && c <= 0xDCFF) {
        out.writeBytes(text.subSequence(start, i).toString().getBytes(StandardCharsets.UTF_8));
        out.write(c & 0xFF);
        start = i + 1;
      }
    }
    out.writeBytes(text.subSequence(start, text.length()).toString().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
