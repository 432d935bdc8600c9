package io.lockstep.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Kafka client settings a user gives a command or job (docs/spec.md, Kafka client settings): a
 * Java properties file in the format of the {@code --command-config} of Kafka's own tools, then
 * {@code --kafka-property key=value} pairs that override it. Every Kafka client Lockstep opens —
 * consumer, producer, transactional producer, admin, schema publisher and reader — starts from
 * these, so one file secures them all.
 *
 * <p>Secrets stay secret: values of keys that contain {@code password}, {@code secret} or
 * {@code sasl.jaas.config} only leave this object through {@link #properties()}, which goes into a
 * client's configuration. {@link #toString()}, {@link #describe()} and {@link #redact(String)} mask
 * them, for logs and error messages.
 */
public final class KafkaSettings implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String MASK = "****";
  public static final KafkaSettings NONE = new KafkaSettings(Map.of(), null);
  private static final List<String> SECRET_MARKERS = List.of("password", "secret", "sasl.jaas.config");
  /** A password inside a JAAS line: {@code password="..."}; masked on its own too, wherever it shows up. */
  private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*\"([^\"]*)\"");

  private final LinkedHashMap<String, String> values;
  private final String origin;

  private KafkaSettings(Map<String, String> values, String origin) {
    this.values = new LinkedHashMap<>(values);
    this.origin = origin;
  }

  /**
   * Loads {@code file} (may be null) and applies {@code overrides} on top, in order.
   *
   * @throws IllegalArgumentException with one line naming the file or the pair at fault
   */
  public static KafkaSettings load(Path file, Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(readFile(file));
    }
    if (overrides != null) {
      overrides.forEach((k, v) -> {
        if (k == null || k.isBlank()) {
          throw new IllegalArgumentException("--kafka-property must be key=value with a key, got '=" + mask("", v) + "'");
        }
        merged.put(k.trim(), v == null ? "" : v);
      });
    }
    String origin = file == null ? null : file.toString();
    return merged.isEmpty() && origin == null ? NONE : new KafkaSettings(merged, origin);
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    // Kafka's tools read --command-config the same way (Properties.load of a byte stream).
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--kafka-config " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--kafka-config " + file + ": cannot read it as Java properties ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }

  /** True for keys whose values are masked: they contain {@code password}, {@code secret} or {@code sasl.jaas.config}. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SECRET_MARKERS.stream().anyMatch(k::contains);
  }

  private static String mask(String key, String value) {
    return isSecret(key) ? MASK : value;
  }

  /** A fresh copy for a client's configuration: the only way clear-text secrets leave this object. */
  public Properties properties() {
    Properties p = new Properties();
    p.putAll(values);
    return p;
  }

  /** Puts every setting into {@code target}, overriding what it holds (a client's defaults). */
  public <T extends Map<Object, Object>> T applyTo(T target) {
    target.putAll(values);
    return target;
  }

  /** {@code target} holding {@code defaults}, then every setting, then {@code required} (the caller's contract). */
  public Properties over(Map<String, String> defaults, Map<String, String> required) {
    Properties p = new Properties();
    p.putAll(defaults);
    applyTo(p);
    p.putAll(required);
    return p;
  }

  public String get(String key) {
    return values.get(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Map<String, String> masked() {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, mask(k, v)));
    return Collections.unmodifiableMap(out);
  }

  /** One line for logs: where the settings came from and every key, secrets masked. */
  public String describe() {
    if (values.isEmpty()) {
      return "no Kafka client settings (plaintext, no authentication)";
    }
    String pairs = masked().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    return "Kafka client settings" + (origin == null ? "" : " from " + origin) + ": " + pairs;
  }

  /** {@code text} with every secret value (and any password inside a JAAS line) replaced by {@link #MASK}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secretValues()) {
      out = out.replace(secret, MASK);
    }
    return out;
  }

  private List<String> secretValues() {
    List<String> secrets = new ArrayList<>();
    values.forEach((k, v) -> {
      if (isSecret(k) && v != null && !v.isEmpty()) {
        secrets.add(v);
        Matcher m = JAAS_PASSWORD.matcher(v);
        while (m.find()) {
          if (!m.group(1).isEmpty()) {
            secrets.add(m.group(1));
          }
        }
      }
    });
    // Longest first, so a JAAS line is masked whole before its password is.
    secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return secrets;
  }

  @Override
  public String toString() {
    return describe();
  }
}
