package io.lockstep.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One record of the control topic (docs/spec.md, Model lifecycle): a JSON value keyed by the bundle
 * {@code name} on a compacted topic. The name travels as the Kafka key, so it is not a JSON field.
 *
 * <p>{@link #parse} validates everything a job needs before it touches a bundle, and fails with an
 * {@link InvalidCommand} whose message is one line: the job reports it as the {@code rejected}
 * reason instead of failing.
 *
 * @param name the bundle name, from the record key
 * @param bundle the bundle URI (deploy only): a local path, {@code file:}, or any Hadoop or Flink file system
 * @param sha256 the sha256 of the bundle's {@code bundle.yaml}, lowercase hex (deploy only)
 * @param mode how the bundle is deployed (deploy only)
 * @param percent the share of keys routed to a canary, 0..100 (canary only, else null)
 * @param id unique per command; every status about it carries it
 * @param issuedAt when the command was issued, ISO-8601 UTC
 */
public record ControlCommand(String name, Kind command, String bundle, String sha256, Mode mode, Double percent,
                             String id, String issuedAt) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** What a command asks for. */
  public enum Kind {
    DEPLOY, PROMOTE, ROLLBACK;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a deployed bundle scores: it replaces the primary, or runs next to it as a shadow or canary. */
  public enum Mode {
    PRIMARY, SHADOW, CANARY;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates; throws {@link InvalidCommand} with one line naming the problem. */
  public ControlCommand {
    check(name != null && !name.isBlank(), "record has no key: control commands are keyed by the bundle name");
    check(command != null, "missing field 'command'");
    check(id != null && !id.isBlank(), "missing field 'id'");
    check(issuedAt != null && !issuedAt.isBlank(), "missing field 'issued_at'");
    try {
      Instant.parse(issuedAt);
    } catch (DateTimeParseException e) {
      throw new InvalidCommand("field 'issued_at' must be an ISO-8601 UTC instant like 2026-12-03T10:00:00Z, got '"
          + ControlJson.abbreviate(issuedAt) + "'");
    }
    if (command == Kind.DEPLOY) {
      check(bundle != null && !bundle.isBlank(), "missing field 'bundle' (deploy needs the bundle URI)");
      check(sha256 != null, "missing field 'sha256' (deploy needs the sha256 of the bundle's bundle.yaml)");
      check(SHA256.matcher(sha256).matches(), "field 'sha256' must be 64 lowercase hex digits, got '"
          + ControlJson.abbreviate(sha256) + "'");
      check(mode != null, "missing field 'mode': use primary, shadow or canary");
      if (mode == Mode.CANARY) {
        check(percent != null, "missing field 'percent' (canary needs the share of keys, 0..100)");
        check(!percent.isNaN() && percent >= 0 && percent <= 100, "field 'percent' must be within 0..100, got " + percent);
      } else {
        check(percent == null, "field 'percent' applies to mode canary only, not " + mode.text());
      }
    } else {
      check(percent == null, "field 'percent' applies to deploy --mode canary only, not " + command.text());
    }
  }

  private static void check(boolean ok, String reason) {
    if (!ok) {
      throw new InvalidCommand(reason);
    }
  }

  /** A deploy command with a fresh id, issued now. */
  public static ControlCommand deploy(String name, String bundle, String sha256, Mode mode, Double percent) {
    return new ControlCommand(name, Kind.DEPLOY, bundle, sha256, mode, percent, newId(), now());
  }

  /** A promote or rollback command with a fresh id, issued now. */
  public static ControlCommand of(String name, Kind command) {
    if (command == Kind.DEPLOY) {
      throw new IllegalArgumentException("use deploy(...) for a deploy command");
    }
    return new ControlCommand(name, command, null, null, null, null, newId(), now());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static String now() {
    return Instant.now().toString();
  }

  /**
   * Parses one control-topic record.
   *
   * @param key the record key, UTF-8 (the bundle name); may be null, which is rejected
   * @throws InvalidCommand with a one-line reason; it carries the command's {@code id} when one was readable
   */
  public static ControlCommand parse(byte[] key, byte[] value) {
    String name = key == null ? null : new String(key, StandardCharsets.UTF_8);
    String id = null;
    try {
      JsonNode node = ControlJson.parseObject(value);
      id = safeId(node);
      String commandText = ControlJson.requiredText(node, "command");
      Kind kind = enumOf(Kind.class, commandText, "command", "deploy, promote or rollback");
      String modeText = ControlJson.optionalText(node, "mode");
      Mode mode = modeText == null ? null : enumOf(Mode.class, modeText, "mode", "primary, shadow or canary");
      return new ControlCommand(name, kind, ControlJson.optionalText(node, "bundle"), ControlJson.optionalText(node, "sha256"),
          mode, ControlJson.optionalNumber(node, "percent"), ControlJson.optionalText(node, "id"),
          ControlJson.optionalText(node, "issued_at"));
    } catch (InvalidCommand e) {
      throw e.withContext(name, id);
    } catch (IllegalArgumentException e) {
      throw new InvalidCommand(e.getMessage()).withContext(name, id);
    }
  }

  private static String safeId(JsonNode node) {
    JsonNode v = node.get("id");
    return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String text, String field, String allowed) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
        return e;
      }
    }
    throw new InvalidCommand("unknown " + field + " '" + ControlJson.abbreviate(text) + "': use " + allowed);
  }

  /** The record key: the bundle name, UTF-8. */
  public byte[] key() {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  /** The record value: JSON with the fields in documented order; absent optional fields are left out. */
  public byte[] value() {
    return ControlJson.bytes(toJson());
  }

  public ObjectNode toJson() {
    ObjectNode o = ControlJson.object();
    o.put("command", command.text());
    if (bundle != null) {
      o.put("bundle", bundle);
    }
    if (sha256 != null) {
      o.put("sha256", sha256);
    }
    if (mode != null) {
      o.put("mode", mode.text());
    }
    if (percent != null) {
      o.put("percent", percent);
    }
    o.put("id", id);
    o.put("issued_at", issuedAt);
    return o;
  }

  /** One line for logs and the CLI: {@code deploy churn file:/models/churn-2 as canary 10% (id ...)}. */
  public String describe() {
    StringBuilder b = new StringBuilder(command.text()).append(' ').append(name);
    if (command == Kind.DEPLOY) {
      b.append(' ').append(bundle).append(" as ").append(mode.text());
      if (percent != null) {
        b.append(' ').append(Percent.text(percent)).append('%');
      }
    }
    return b.append(" (id ").append(id).append(')').toString();
  }

  /**
   * A control record that cannot be applied: its message is the one-line {@code rejected} reason.
   * {@link #id()} and {@link #name()} are what could be read of the record (either may be null).
   */
  public static final class InvalidCommand extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String id;

    public InvalidCommand(String reason) {
      this(reason, null, null);
    }

    private InvalidCommand(String reason, String name, String id) {
      super(reason);
      this.name = name;
      this.id = id;
    }

    InvalidCommand withContext(String name, String id) {
      return new InvalidCommand(getMessage(), name, id);
    }

    public String name() {
      return name;
    }

    public String id() {
      return id;
    }
  }
}
