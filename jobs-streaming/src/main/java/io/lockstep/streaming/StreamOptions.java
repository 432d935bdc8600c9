package io.lockstep.streaming;

import io.lockstep.avro.InputFormat;
import io.lockstep.deadletter.DeadLetterFlags;
import io.lockstep.deadletter.DeadLetterPolicy;
import io.lockstep.kafka.KafkaClientOptions;
import io.lockstep.kafka.KafkaSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Every option of {@link StreamScoreJob}: each flag's name, type, default and description live
 * together on its field (picocli), parsed and validated once, before anything starts. Defaults that
 * depend on other flags (the dead-letter topic, group id, checkpoint interval, ...) are resolved by
 * the accessors. {@link #usage()} is generated from the same declarations.
 */
@Command(name = "lockstep-stream", sortOptions = false, mixinStandardHelpOptions = true,
    customSynopsis = "java -jar lockstep-jobs-streaming.jar --bundle DIR --bootstrap HOST:PORT --input-topic T --output-topic T [options]",
    description = "Scores a Kafka topic with a model bundle (level 3).")
public final class StreamOptions {

  /** Where a new consumer group starts reading. */
  public enum StartingOffsets { EARLIEST, LATEST, COMMITTED }

  @Option(names = "--bundle", required = true, paramLabel = "DIR|ZIP", description = "Model bundle.")
  private Path bundle;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  private String bootstrap;

  @Option(names = "--input-topic", required = true, paramLabel = "T", description = "Topic of raw input records.")
  private String inputTopic;

  @Option(names = "--output-topic", required = true, paramLabel = "T", description = "Topic of Avro predictions, keyed by the input key.")
  private String outputTopic;

  @Option(names = "--dlq-topic", paramLabel = "T", description = "Dead-letter topic (default: <output-topic>.dlq).")
  private String deadLetterTopic;

  @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "avro", converter = Converters.Format.class,
      description = "Encoding of input values: avro, avro-single or json (default: ${DEFAULT-VALUE}).")
  private InputFormat inputFormat;

  @Option(names = "--delivery", paramLabel = "GUARANTEE", defaultValue = "at-least-once", converter = Converters.Guarantee.class,
      description = "at-least-once or exactly-once (default: ${DEFAULT-VALUE}).")
  private Delivery delivery;

  @Option(names = "--group-id", paramLabel = "G", description = "Consumer group (default: lockstep-<bundle name>).")
  private String groupId;

  @Option(names = "--starting-offsets", paramLabel = "WHERE", defaultValue = "committed", converter = Converters.Offsets.class,
      description = "committed, earliest or latest; without committed offsets: earliest (default: ${DEFAULT-VALUE}).")
  private StartingOffsets startingOffsets;

  @Option(names = "--bounded", arity = "0..1", fallbackValue = "true",
      description = "Stop at the end offsets the input topic has when the job starts (also after a restore).")
  private boolean bounded;

  @Option(names = "--keep", paramLabel = "f1,f2", split = ",", description = "Input fields copied into predictions.")
  private List<String> keep = new ArrayList<>();

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", converter = Converters.PositiveInt.class,
      description = "Records per ONNX run at most (default: ${DEFAULT-VALUE}).")
  private int batchSize;

  @Option(names = "--flush-ms", paramLabel = "MS", defaultValue = "2", converter = Converters.NonNegativeLong.class,
      description = "Longest a partial batch waits while input keeps arriving; a record that arrives alone is scored at once (default: ${DEFAULT-VALUE}).")
  private long flushMillis;

  @Option(names = "--checkpoint-ms", paramLabel = "MS", converter = Converters.NonNegativeLong.class,
      description = "Checkpoint interval; 0 = off (default: 1000 exactly-once, 10000 at-least-once).")
  private Long checkpointMillis;

  @Option(names = "--checkpoint-dir", paramLabel = "URI",
      description = "Where checkpoints go (default: the cluster's execution.checkpointing.dir, else "
          + "file://<tmp>/lockstep-checkpoints/<job name>; a multi-host cluster needs a shared file system).")
  private String checkpointDir;

  @Option(names = "--parallelism", paramLabel = "N", converter = Converters.PositiveInt.class,
      description = "Job parallelism (default: the cluster's).")
  private int parallelism = -1;

  @Option(names = "--out-of-orderness", paramLabel = "DURATION", defaultValue = "5s", converter = Converters.Millis.class,
      description = "Watermark bound for window features, e.g. 500ms, 5s, 2m (default: ${DEFAULT-VALUE}).")
  private long outOfOrdernessMillis;

  @Option(names = "--source-idle-ms", paramLabel = "MS", defaultValue = "5000", converter = Converters.NonNegativeLong.class,
      description = "A source subtask without records this long stops holding the watermark back (default: ${DEFAULT-VALUE}).")
  private long sourceIdleMillis;

  @Option(names = "--buffer-timeout-ms", paramLabel = "MS", defaultValue = "1", converter = Converters.NonNegativeLong.class,
      description = "Network buffer timeout (default: ${DEFAULT-VALUE}).")
  private long bufferTimeoutMillis;

  @Option(names = "--sink-linger-ms", paramLabel = "MS", defaultValue = "1", converter = Converters.NonNegativeInt.class,
      description = "linger.ms of the sinks' producers (default: ${DEFAULT-VALUE}).")
  private int sinkLingerMillis;

  @Option(names = "--transactional-id-prefix", paramLabel = "P", description = "Exactly-once only (default: lockstep-<output-topic>).")
  private String transactionalIdPrefix;

  @Option(names = "--with-features", arity = "0..1", fallbackValue = "true",
      description = "Add the float feature vector to each prediction (field 'features'; parity checks).")
  private boolean withFeatures;

  @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Restore state from a savepoint or retained checkpoint.")
  private String fromSavepoint;

  @Option(names = "--onnx-threads", paramLabel = "N", defaultValue = "1", converter = Converters.PositiveInt.class,
      description = "ONNX Runtime intra-op threads per model (default: ${DEFAULT-VALUE}).")
  private int onnxThreads;

  @Option(names = "--job-name", paramLabel = "NAME", description = "Flink job name (default: lockstep-score-<bundle name>).")
  private String jobName;

  @Mixin
  private KafkaClientOptions kafka = new KafkaClientOptions();

  @Mixin
  private DeadLetterFlags deadLetters = new DeadLetterFlags();

  @Mixin
  private MonitoringOptions monitoring = new MonitoringOptions();

  @Mixin
  private LifecycleOptions lifecycle = new LifecycleOptions();

  private StreamOptions() {}

  /**
   * Parses and validates.
   *
   * @throws IllegalArgumentException with a one-line cause naming the flag
   * @throws HelpRequested for {@code --help} or {@code --version}
   */
  public static StreamOptions parse(String... args) {
    StreamOptions o = new StreamOptions();
    CommandLine cli = new CommandLine(o).setOverwrittenOptionsAllowed(true);
    try {
      cli.parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(Converters.oneLine(e));
    }
    if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
      throw new HelpRequested();
    }
    o.validate();
    return o;
  }

  /** Thrown by {@link #parse} when the user asked for the usage text. */
  public static final class HelpRequested extends RuntimeException {
    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  public static String usage() {
    StringWriter out = new StringWriter();
    new CommandLine(new StreamOptions()).usage(new PrintWriter(out));
    return out.toString();
  }

  private void validate() {
    for (String[] required : new String[][] {{"--bundle", bundle.toString()}, {"--bootstrap", bootstrap},
        {"--input-topic", inputTopic}, {"--output-topic", outputTopic}}) {
      if (required[1].isBlank()) {
        throw new IllegalArgumentException("missing " + required[0] + " (see --help)");
      }
    }
    if (delivery == Delivery.EXACTLY_ONCE && checkpointMillis() == 0) {
      throw new IllegalArgumentException("--delivery exactly-once needs checkpoints: --checkpoint-ms must be > 0");
    }
    if (outputTopic.equals(inputTopic) || deadLetterTopic().equals(inputTopic)) {
      throw new IllegalArgumentException("--output-topic and --dlq-topic must differ from --input-topic");
    }
    if (!bootstrap.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
      throw new IllegalArgumentException("--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
    }
    kafka.settings();
    deadLetters.policy();
    monitoring.validate();
    lifecycle.validate(inputTopic, outputTopic);
  }

  private String bundleName() {
    Path name = bundle.getFileName();
    return name == null ? "bundle" : name.toString().replaceAll("\\.zip$", "");
  }

  public Path bundle() {
    return bundle;
  }

  public String bootstrap() {
    return bootstrap;
  }

  public String inputTopic() {
    return inputTopic;
  }

  public String outputTopic() {
    return outputTopic;
  }

  public String deadLetterTopic() {
    return deadLetterTopic != null ? deadLetterTopic : outputTopic + ".dlq";
  }

  public InputFormat inputFormat() {
    return inputFormat;
  }

  public Delivery delivery() {
    return delivery;
  }

  public String groupId() {
    return groupId != null ? groupId : "lockstep-" + bundleName();
  }

  public StartingOffsets startingOffsets() {
    return startingOffsets;
  }

  public boolean bounded() {
    return bounded;
  }

  public List<String> keep() {
    return keep.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public int batchSize() {
    return batchSize;
  }

  public long flushMillis() {
    return flushMillis;
  }

  public long checkpointMillis() {
    if (checkpointMillis != null) {
      return checkpointMillis;
    }
    return delivery == Delivery.EXACTLY_ONCE ? 1000 : 10_000;
  }

  public String checkpointDir() {
    return checkpointDir;
  }

  /** Parallelism given on the command line, or -1 for the cluster default. */
  public int parallelism() {
    return parallelism;
  }

  public boolean hasParallelism() {
    return parallelism > 0;
  }

  public long outOfOrdernessMillis() {
    return outOfOrdernessMillis;
  }

  public Duration outOfOrderness() {
    return Duration.ofMillis(outOfOrdernessMillis);
  }

  public long sourceIdleMillis() {
    return sourceIdleMillis;
  }

  public long bufferTimeoutMillis() {
    return bufferTimeoutMillis;
  }

  public int sinkLingerMillis() {
    return sinkLingerMillis;
  }

  public String transactionalIdPrefix() {
    return transactionalIdPrefix != null ? transactionalIdPrefix : "lockstep-" + outputTopic;
  }

  public boolean withFeatures() {
    return withFeatures;
  }

  public String fromSavepoint() {
    return fromSavepoint;
  }

  public int onnxThreads() {
    return onnxThreads;
  }

  public String jobName() {
    return jobName != null ? jobName : "lockstep-score-" + bundleName();
  }

  /** {@code --dead-letter-max-original}, {@code --max-dead-fraction}, {@code --min-records} (docs/spec.md, Dead letters). */
  public DeadLetterPolicy deadLetterPolicy() {
    return deadLetters.policy();
  }

  /** {@code --prometheus-port} and the drift windows (docs/spec.md, Streaming metrics and Drift). */
  public MonitoringOptions monitoring() {
    return monitoring;
  }

  public LifecycleOptions lifecycle() {
    return lifecycle;
  }

  /** The merged {@code --kafka-config} and {@code --kafka-property} settings, for every client the job opens. */
  public KafkaSettings kafka() {
    return kafka.settings();
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}; a bare number is milliseconds. */
  static long durationMillis(String text, String flag) {
    try {
      return Converters.Millis.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " " + e.getMessage());
    }
  }

  /** Typed flag values; each refuses a bad value with a message the parser prefixes with the flag's name. */
  static final class Converters {
    private Converters() {}

    /** One line for a parse failure, naming the flag: no usage dump, no picocli wording for our own checks. */
    static String oneLine(ParameterException e) {
      if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
        return "unknown option '" + u.getUnmatched().get(0) + "' (see --help)";
      }
      if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
          && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec opt) {
        return (m.getMessage().startsWith("Missing required parameter") ? opt.longestName() + " needs a value"
            : "missing " + opt.longestName()) + " (see --help)";
      }
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException && cause.getMessage() != null && e.getArgSpec() instanceof CommandLine.Model.OptionSpec opt) {
        String msg = cause.getMessage();
        return msg.startsWith("--") ? msg : opt.longestName() + " " + msg;
      }
      return e.getMessage().replace('\n', ' ');
    }

    static final class PositiveInt implements CommandLine.ITypeConverter<Integer> {
      @Override
      public Integer convert(String value) {
        try {
          int n = Integer.parseInt(value.trim());
          if (n >= 1) {
            return n;
          }
        } catch (NumberFormatException ignored) {
          // reported below
        }
        throw new IllegalArgumentException("must be a positive integer, got '" + value + "'");
      }
    }

    static final class NonNegativeLong implements CommandLine.ITypeConverter<Long> {
      @Override
      public Long convert(String value) {
        try {
          long n = Long.parseLong(value.trim());
          if (n >= 0) {
            return n;
          }
        } catch (NumberFormatException ignored) {
          // reported below
        }
        throw new IllegalArgumentException("must be an integer >= 0, got '" + value + "'");
      }
    }

    static final class NonNegativeInt implements CommandLine.ITypeConverter<Integer> {
      @Override
      public Integer convert(String value) {
        long n = new NonNegativeLong().convert(value);
        if (n > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("must be an integer >= 0 and < 2^31, got '" + value + "'");
        }
        return (int) n;
      }
    }

    static final class Millis implements CommandLine.ITypeConverter<Long> {
      private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

      @Override
      public Long convert(String value) {
        return parse(value);
      }

      static long parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("must be a duration like 500ms, 5s, 2m, got '" + text + "'");
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

    static final class Format implements CommandLine.ITypeConverter<InputFormat> {
      @Override
      public InputFormat convert(String value) {
        return InputFormat.parse(value);
      }
    }

    static final class Guarantee implements CommandLine.ITypeConverter<Delivery> {
      @Override
      public Delivery convert(String value) {
        return Delivery.parse(value);
      }
    }

    static final class Offsets implements CommandLine.ITypeConverter<StartingOffsets> {
      @Override
      public StartingOffsets convert(String value) {
        try {
          return StartingOffsets.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("must be committed, earliest or latest, got '" + value + "'");
        }
      }
    }
  }
}
