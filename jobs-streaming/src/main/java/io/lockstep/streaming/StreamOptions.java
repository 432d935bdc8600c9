package io.lockstep.streaming;

import io.lockstep.avro.InputFormat;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every option of {@link StreamScoreJob}, parsed from {@code --flag value} pairs and validated once,
 * before anything starts. {@link #usage()} is the one place the flags are documented.
 */
public record StreamOptions(
    Path bundle,
    String bootstrap,
    String inputTopic,
    String outputTopic,
    String deadLetterTopic,
    InputFormat inputFormat,
    Delivery delivery,
    String groupId,
    StartingOffsets startingOffsets,
    boolean bounded,
    List<String> keep,
    int batchSize,
    long flushMillis,
    long checkpointMillis,
    String checkpointDir,
    int parallelism,
    long outOfOrdernessMillis,
    long sourceIdleMillis,
    long bufferTimeoutMillis,
    int sinkLingerMillis,
    String transactionalIdPrefix,
    boolean withFeatures,
    String fromSavepoint,
    int onnxThreads,
    String jobName,
    long failAfter) implements Serializable {

  /** Where a new consumer group starts reading. */
  public enum StartingOffsets { EARLIEST, LATEST, COMMITTED }

  private static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("--bundle", "DIR|ZIP  model bundle (required)");
    FLAGS.put("--bootstrap", "HOST:PORT  Kafka bootstrap servers (required)");
    FLAGS.put("--input-topic", "T  topic of raw input records (required)");
    FLAGS.put("--output-topic", "T  topic of Avro predictions, keyed by the input key (required)");
    FLAGS.put("--dlq-topic", "T  dead-letter topic (default <output-topic>.dlq)");
    FLAGS.put("--input-format", "avro|avro-single|json  encoding of input values (default avro)");
    FLAGS.put("--delivery", "at-least-once|exactly-once  (default at-least-once)");
    FLAGS.put("--group-id", "G  consumer group (default lockstep-<bundle name>)");
    FLAGS.put("--starting-offsets", "committed|earliest|latest  without committed offsets: earliest (default committed)");
    FLAGS.put("--bounded", "stop at the end offsets seen at start (no value)");
    FLAGS.put("--keep", "f1,f2  input fields copied into predictions");
    FLAGS.put("--batch-size", "N  records per ONNX run at most (default 256)");
    FLAGS.put("--flush-ms", "MS  score a partial batch after this long (default 2)");
    FLAGS.put("--checkpoint-ms", "MS  checkpoint interval (default 1000 exactly-once, 10000 at-least-once; 0 = off)");
    FLAGS.put("--checkpoint-dir", "URI  where checkpoints go (default: the cluster's execution.checkpointing.dir, else"
        + " file://<tmp>/lockstep-checkpoints/<job name>; a multi-host cluster needs a shared file system)");
    FLAGS.put("--parallelism", "N  (default: the cluster's)");
    FLAGS.put("--out-of-orderness", "DURATION  watermark bound for window features, e.g. 5s (default 5s)");
    FLAGS.put("--source-idle-ms", "MS  a source subtask without records this long stops holding the watermark back (default 5000)");
    FLAGS.put("--buffer-timeout-ms", "MS  network buffer timeout (default 1)");
    FLAGS.put("--sink-linger-ms", "MS  linger.ms of the sink's producer (default 1)");
    FLAGS.put("--transactional-id-prefix", "P  exactly-once only (default lockstep-<output-topic>)");
    FLAGS.put("--with-features", "add the float feature vector to each prediction (field 'features'; parity checks)");
    FLAGS.put("--from-savepoint", "PATH  restore state from a savepoint or retained checkpoint");
    FLAGS.put("--onnx-threads", "N  ONNX Runtime intra-op threads per model (default 1)");
    FLAGS.put("--job-name", "NAME  (default lockstep-score-<bundle name>)");
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

  public static String usage() {
    StringBuilder b = new StringBuilder("usage: StreamScoreJob --bundle DIR --bootstrap HOST:PORT --input-topic T --output-topic T [options]\n");
    FLAGS.forEach((flag, text) -> b.append(String.format("  %-26s %s%n", flag, text)));
    return b.toString();
  }

  /** Parses and validates; throws {@link IllegalArgumentException} with a one-line cause. */
  public static StreamOptions parse(String... args) {
    Map<String, String> v = new LinkedHashMap<>();
    List<String> switches = List.of("--bounded", "--with-features");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      if (!FLAGS.containsKey(a) && !a.equals("--fail-after")) {
        throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + usage());
      }
      if (switches.contains(a)) {
        v.put(a, value == null ? "true" : value);
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        value = args[++i];
      }
      v.put(a, value);
    }
    for (String required : List.of("--bundle", "--bootstrap", "--input-topic", "--output-topic")) {
      if (!v.containsKey(required) || v.get(required).isBlank()) {
        throw new IllegalArgumentException("missing " + required + "\n" + usage());
      }
    }
    Path bundle = Path.of(v.get("--bundle"));
    String output = v.get("--output-topic");
    Delivery delivery = Delivery.parse(v.getOrDefault("--delivery", "at-least-once"));
    String bundleName = bundle.getFileName() == null ? "bundle" : bundle.getFileName().toString().replaceAll("\\.zip$", "");
    List<String> keep = new ArrayList<>();
    if (v.containsKey("--keep")) {
      Arrays.stream(v.get("--keep").split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(keep::add);
    }
    long defaultCheckpoint = delivery == Delivery.EXACTLY_ONCE ? 1000 : 10_000;
    StreamOptions o = new StreamOptions(
        bundle,
        v.get("--bootstrap"),
        v.get("--input-topic"),
        output,
        v.getOrDefault("--dlq-topic", output + ".dlq"),
        InputFormat.parse(v.getOrDefault("--input-format", "avro")),
        delivery,
        v.getOrDefault("--group-id", "lockstep-" + bundleName),
        parseOffsets(v.getOrDefault("--starting-offsets", "committed")),
        Boolean.parseBoolean(v.getOrDefault("--bounded", "false")),
        List.copyOf(keep),
        positiveInt(v, "--batch-size", 256),
        nonNegativeLong(v, "--flush-ms", 2),
        nonNegativeLong(v, "--checkpoint-ms", defaultCheckpoint),
        v.get("--checkpoint-dir"),
        positiveInt(v, "--parallelism", -1),
        durationMillis(v.getOrDefault("--out-of-orderness", "5s"), "--out-of-orderness"),
        nonNegativeLong(v, "--source-idle-ms", 5000),
        nonNegativeLong(v, "--buffer-timeout-ms", 1),
        (int) nonNegativeLong(v, "--sink-linger-ms", 1),
        v.getOrDefault("--transactional-id-prefix", "lockstep-" + output),
        Boolean.parseBoolean(v.getOrDefault("--with-features", "false")),
        v.get("--from-savepoint"),
        positiveInt(v, "--onnx-threads", 1),
        v.getOrDefault("--job-name", "lockstep-score-" + bundleName),
        nonNegativeLong(v, "--fail-after", 0));
    o.validate();
    return o;
  }

  private void validate() {
    if (delivery == Delivery.EXACTLY_ONCE && checkpointMillis == 0) {
      throw new IllegalArgumentException("--delivery exactly-once needs checkpoints: --checkpoint-ms must be > 0");
    }
    if (outputTopic.equals(inputTopic) || deadLetterTopic.equals(inputTopic)) {
      throw new IllegalArgumentException("--output-topic and --dlq-topic must differ from --input-topic");
    }
    if (!bootstrap.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
      throw new IllegalArgumentException("--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
    }
  }

  /** Parallelism given on the command line, or -1 for the cluster default. */
  public boolean hasParallelism() {
    return parallelism > 0;
  }

  public Duration outOfOrderness() {
    return Duration.ofMillis(outOfOrdernessMillis);
  }

  private static StartingOffsets parseOffsets(String s) {
    try {
      return StartingOffsets.valueOf(s.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--starting-offsets must be committed, earliest or latest, got '" + s + "'");
    }
  }

  private static int positiveInt(Map<String, String> v, String flag, int dflt) {
    if (!v.containsKey(flag)) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.get(flag).trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a positive integer, got '" + v.get(flag) + "'");
    }
  }

  private static long nonNegativeLong(Map<String, String> v, String flag, long dflt) {
    if (!v.containsKey(flag)) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.get(flag).trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be an integer >= 0, got '" + v.get(flag) + "'");
    }
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}; a bare number is milliseconds. */
  static long durationMillis(String text, String flag) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(flag + " must be a duration like 500ms, 5s, 2m, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1000L;
      case "m" -> n * 60_000L;
      case "h" -> n * 3_600_000L;
      default -> n * 86_400_000L;
    };
  }
}
