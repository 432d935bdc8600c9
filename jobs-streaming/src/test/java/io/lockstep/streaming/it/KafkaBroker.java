package io.lockstep.streaming.it;

import io.lockstep.kafka.KafkaSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node KRaft Kafka broker for the integration tests, started once per test JVM with
 * the same script users run ({@code deploy/kafka/start-broker.sh}: Maven {@code kafka_2.13} jars,
 * {@code StorageTool format}, {@code kafka.Kafka} in a child JVM) on free 127.0.0.1 ports and a run
 * directory under {@code target/}, and stopped (data deleted) when the JVM exits.
 *
 * <p>{@link #secured()} starts another one with {@code KAFKA_SECURITY=sasl_ssl} (SCRAM-SHA-512 over
 * TLS): its test clients, and the jobs and commands under test, use the {@code client.properties}
 * the script wrote, exactly as a user would.
 */
public final class KafkaBroker implements AutoCloseable {
  private static KafkaBroker shared;

  private final Path runDir;
  private final String bootstrap;
  private final boolean secured;
  private final KafkaSettings client;

  private KafkaBroker(Path runDir, String bootstrap, boolean secured) {
    this.runDir = runDir;
    this.bootstrap = bootstrap;
    this.secured = secured;
    this.client = secured ? KafkaSettings.load(clientConfig(), Map.of()) : KafkaSettings.NONE;
  }

  /** The plaintext broker of this JVM, started on first use. */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      shared = start(false);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** A new SASL_SSL broker (one per test class: close it in {@code @AfterAll}). */
  public static KafkaBroker secured() {
    KafkaBroker b = start(true);
    Runtime.getRuntime().addShutdownHook(new Thread(b::stop));
    return b;
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** The {@code client.properties} deploy/kafka/start-broker.sh wrote for this broker. */
  public Path clientConfig() {
    return runDir.resolve("kafka/client.properties");
  }

  /** What a job or command needs besides {@code --bootstrap}: {@code --kafka-config FILE} when secured. */
  public List<String> clientArgs() {
    return secured ? List.of("--kafka-config", clientConfig().toString()) : List.of();
  }

  /** The settings this broker's clients use (none for plaintext). */
  public KafkaSettings clientSettings() {
    return client;
  }

  private Properties clientProperties(Map<String, String> defaults) {
    return client.over(defaults, Map.of("bootstrap.servers", bootstrap));
  }

  @Override
  public void close() {
    stop();
  }

  public static Path repo() {
    String p = System.getProperty("lockstep.repo");
    Path dir = p != null ? Path.of(p) : Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/kafka"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root (deploy/kafka) from " + Path.of("").toAbsolutePath());
    }
    return dir.normalize();
  }

  private static KafkaBroker start(boolean secured) {
    try {
      Path run = Path.of(System.getProperty("lockstep.test.run", "target/it-run")).toAbsolutePath()
          .resolve((secured ? "kafka-sasl-" + Long.toHexString(System.nanoTime()) + "-" : "kafka-") + ProcessHandle.current().pid());
      Files.createDirectories(run);
      ProcessBuilder pb = new ProcessBuilder(repo().resolve("deploy/kafka/start-broker.sh").toString());
      pb.environment().putAll(Map.of("LOCKSTEP_RUN_DIR", run.toString(), "KAFKA_PORT", Integer.toString(freePort()),
          "KAFKA_CONTROLLER_PORT", Integer.toString(freePort()), "KAFKA_NUM_PARTITIONS", "1"));
      if (secured) {
        pb.environment().putAll(Map.of("KAFKA_SECURITY", "sasl_ssl", "KAFKA_INTERNAL_PORT", Integer.toString(freePort())));
      }
      pb.redirectError(ProcessBuilder.Redirect.appendTo(run.resolve("start-broker.err").toFile()));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("deploy/kafka/start-broker.sh failed: "
            + Files.readString(run.resolve("start-broker.err")));
      }
      String[] lines = out.split("\n");
      return new KafkaBroker(run, lines[lines.length - 1].trim(), secured);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private synchronized void stop() {
    try {
      ProcessBuilder pb = new ProcessBuilder(repo().resolve("deploy/kafka/stop-broker.sh").toString());
      pb.environment().putAll(Map.of("LOCKSTEP_RUN_DIR", runDir.toString(), "KAFKA_DELETE_DATA", "1"));
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.start().waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.err.println("could not stop the test broker: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public void createTopics(int partitions, String... topics) {
    try (Admin admin = Admin.create(clientProperties(Map.of()))) {
      List<NewTopic> t = new ArrayList<>();
      for (String name : topics) {
        t.add(new NewTopic(name, partitions, (short) 1));
      }
      admin.createTopics(t).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
    }
  }

  public KafkaProducer<byte[], byte[]> producer() {
    // Ordered without the idempotent producer: on this broker, under load, a fresh idempotent producer
    // was once refused for two minutes with OutOfOrderSequenceException on a brand-new partition.
    Properties p = clientProperties(Map.of("linger.ms", "0", "acks", "all", "enable.idempotence", "false",
        "max.in.flight.requests.per.connection", "1"));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends in order and waits for every acknowledgement; returns each record's offset (fails loudly, never silently). */
  public List<Long> send(String topic, List<ProducerRecord<byte[], byte[]>> records) {
    List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> p = producer()) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        acks.add(p.send(new ProducerRecord<>(topic, r.partition(), r.timestamp(), r.key(), r.value(), r.headers())));
      }
      p.flush();
      List<Long> offsets = new ArrayList<>();
      for (var ack : acks) {
        offsets.add(ack.get(120, TimeUnit.SECONDS).offset());
      }
      return offsets;
    } catch (Exception e) {
      throw new IllegalStateException("sending to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Every committed record of the topic (read_committed), waiting until {@code atLeast} arrived or the timeout. */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atLeast, Duration timeout) {
    Properties p = clientProperties(Map.of("isolation.level", "read_committed", "auto.offset.reset", "earliest",
        "enable.auto.commit", "false"));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline) {
        int before = out.size();
        c.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() > before) {
          quietSince = System.nanoTime();
        }
        boolean atEnd = c.endOffsets(parts).entrySet().stream().allMatch(en -> c.position(en.getKey()) >= en.getValue());
        if (out.size() >= atLeast && atEnd && System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(300)) {
          break;
        }
      }
    }
    return out;
  }

  /**
   * How many records of {@code topic} the consumer group {@code group} has committed, over all
   * partitions. The Flink Kafka source commits on checkpoint completion, so this reaching a count
   * means a completed checkpoint covers that many input records.
   */
  public long committed(String group, String topic) {
    try (Admin admin = Admin.create(clientProperties(Map.of()))) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).entrySet().stream()
          .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offsets of group " + group + ": " + e.getMessage(), e);
    }
  }

  public Path runDir() {
    return runDir;
  }
}
