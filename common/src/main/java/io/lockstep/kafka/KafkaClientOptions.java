package io.lockstep.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The two flags every Lockstep command and job that talks to Kafka takes, as a picocli mixin so
 * they read the same everywhere: {@code --kafka-config FILE} and repeated
 * {@code --kafka-property key=value} (which overrides the file). {@link #settings()} loads them once.
 */
public final class KafkaClientOptions {

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client settings for every client: a Java properties file, as Kafka tools' --command-config "
          + "(security.protocol, ssl.truststore.location, sasl.mechanism, sasl.jaas.config, ...).")
  Path configFile;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "One Kafka client setting, overriding --kafka-config; repeatable. Prefer the file for secrets: "
          + "a command line shows in ps and shell history.")
  Map<String, String> properties = new LinkedHashMap<>();

  private transient KafkaSettings loaded;

  /** The merged settings; throws {@link IllegalArgumentException} with one line when the file cannot be read. */
  public KafkaSettings settings() {
    if (loaded == null) {
      loaded = KafkaSettings.load(configFile, properties);
    }
    return loaded;
  }

  public Path configFile() {
    return configFile;
  }
}
