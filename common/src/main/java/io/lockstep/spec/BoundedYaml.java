package io.lockstep.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The one way Lockstep reads YAML ({@code features.yaml}, {@code bundle.yaml}): YAML 1.2 core schema,
 * bounded in size, nesting depth and aliases, with one-line errors that name the file
 * (docs/spec.md, YAML limits).
 *
 * <p>Why a depth pass: snakeyaml-engine composes nodes recursively and has no nesting limit, so
 * 100,000 nested {@code [} overflow the thread's stack. Its parser, however, is an iterative state
 * machine; counting collection start/end events there refuses deep documents in linear time,
 * before anything recursive (or any sha256 of a large model) runs. The size limit is checked
 * before the file is read, the code-point limit and alias limit by snakeyaml-engine itself.
 *
 * <p>Error messages carry the parser's problem and line/column, never a snippet of the text.
 */
public final class BoundedYaml {
  /** Deepest nesting of mappings and sequences; Lockstep's own files need 6. */
  public static final int MAX_DEPTH = 64;
  /** Largest YAML document, in bytes (and code points). */
  public static final int MAX_BYTES = 4 << 20;
  /** Aliases allowed to collections ("billion laughs" guard). */
  public static final int MAX_ALIASES = 50;

  private BoundedYaml() {}

  /**
   * Reads and parses {@code file}; {@code name} is how messages name it.
   *
   * @throws SpecException naming the file, for an unreadable, too large, too deep or invalid document
   */
  public static Object load(Path file, String name) {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new SpecException(name + ": " + size + " bytes; YAML files are limited to " + MAX_BYTES + " bytes");
      }
      return load(Files.readString(file, StandardCharsets.UTF_8), name);
    } catch (IOException e) {
      throw new SpecException(name + ": cannot read: " + e.getMessage());
    }
  }

  /** Parses YAML text; {@code name} is how messages name it. */
  public static Object load(String text, String name) {
    if (text.length() > MAX_BYTES) {
      throw new SpecException(name + ": " + text.length() + " characters; YAML files are limited to " + MAX_BYTES);
    }
    LoadSettings settings = LoadSettings.builder()
        .setSchema(new CoreSchema())
        .setLabel(name)
        .setCodePointLimit(MAX_BYTES)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setAllowDuplicateKeys(false)
        .build();
    try {
      checkDepth(settings, text, name);
      return new Load(settings).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new SpecException(name + ": is not valid YAML: " + describe(e));
    } catch (StackOverflowError e) {
      // Not expected after checkDepth; kept so that no input can crash a caller with a 1,000-line trace.
      throw new SpecException(name + ": YAML nested too deeply to parse");
    }
  }

  private static void checkDepth(LoadSettings settings, String text, String name) {
    int depth = 0;
    for (Event e : new Parse(settings).parseString(text)) {
      switch (e.getEventId()) {
        case MappingStart, SequenceStart -> {
          if (++depth > MAX_DEPTH) {
            String where = e.getStartMark().map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
            throw new SpecException(name + ": YAML nested deeper than " + MAX_DEPTH + " levels" + where
                + "; Lockstep's files need far fewer, so this is not a bundle or spec file");
          }
        }
        case MappingEnd, SequenceEnd -> depth--;
        default -> { }
      }
    }
  }

  /** One line: the problem and where, without the snippet of the document's text. */
  static String describe(YamlEngineException e) {
    if (e instanceof MarkedYamlEngineException m) {
      StringBuilder s = new StringBuilder();
      if (m.getContext() != null) {
        s.append(m.getContext()).append(": ");
      }
      s.append(m.getProblem());
      m.getProblemMark().ifPresent(mark -> s.append(" (line ").append(mark.getLine() + 1)
          .append(", column ").append(mark.getColumn() + 1).append(')'));
      return oneLine(s.toString());
    }
    return oneLine(String.valueOf(e.getMessage()));
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
