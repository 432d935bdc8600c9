package io.lockstep.deadletter;

/** Cuts text to a number of UTF-8 bytes without splitting a character (a surrogate pair stays whole). */
final class Utf8Prefix {
  private Utf8Prefix() {}

  /** The longest prefix of {@code text} whose UTF-8 encoding takes at most {@code maxBytes}. */
  static String of(String text, int maxBytes) {
    if ((long) text.length() * 3 <= maxBytes) {
      return text;                                  // even all-BMP-3-byte text fits
    }
    long bytes = 0;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > maxBytes) {
        return text.substring(0, i);
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return text;
  }

  /** The UTF-8 length of {@code text} (a lone surrogate counts as the 3 bytes of its replacement). */
  static long length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += Character.charCount(cp);
    }
    return bytes;
  }
}
