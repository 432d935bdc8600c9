package io.lockstep.lifecycle;

import io.lockstep.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the model lifecycle (docs/spec.md, Model lifecycle), used by
 * {@code lockstep deploy|promote|rollback|status} and by tests: it writes a command keyed by the
 * bundle name to the control topic and waits, bounded, for the job's answers to that command's
 * {@code id} on {@code <control-topic>.status}. Every client it opens starts from the user's
 * {@link KafkaSettings} ({@code --kafka-config}, {@code --kafka-property}).
 */
public final class ControlClient {
  private static final Logger LOG = LoggerFactory.getLogger(ControlClient.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final String bootstrap;
  private final String controlTopic;
  private final KafkaSettings settings;

  public ControlClient(String bootstrap, String controlTopic, KafkaSettings settings) {
    this.bootstrap = bootstrap;
    this.controlTopic = controlTopic;
    this.settings = settings == null ? KafkaSettings.NONE : settings;
  }

  /** How a command ended for the client. */
  public enum Outcome {
    /** Every subtask accepted it. */
    ACCEPTED,
    /** At least one subtask rejected it (the others may not have answered). */
    REJECTED,
    /** Not every subtask answered in time, and none rejected. */
    TIMED_OUT
  }

  /**
   * What came back for one command.
   *
   * @param answers per subtask, its first {@code accepted} or {@code rejected} answer
   * @param active the {@code active} answers that arrived while waiting (the swap may come later)
   * @param subtasks the parallelism the answers reported (0 when none came)
   */
  public record Answer(ControlCommand command, Outcome outcome, Map<Integer, ControlStatus> answers,
                       List<ControlStatus> active, int subtasks) {

    /** The first rejection's reason, or null. */
    public String firstRejection() {
      return answers.values().stream().filter(s -> s.status() == ControlStatus.State.REJECTED).map(ControlStatus::reason)
          .findFirst().orElse(null);
    }
  }

  /**
   * Sends {@code command} and waits up to {@code timeout} until every scoring subtask accepted or
   * rejected it. Creates the control and status topics first when they are missing.
   */
  public Answer send(ControlCommand command, Duration timeout) {
    ControlTopics.ensure(bootstrap, settings, controlTopic);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = statusPartitions(consumer, timeout);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      produce(command, timeout);
      Map<Integer, ControlStatus> answers = new TreeMap<>();
      List<ControlStatus> active = new ArrayList<>();
      int subtasks = 0;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          ControlStatus s = parse(r);
          if (s == null || !command.id().equals(s.id())) {
            continue;
          }
          subtasks = Math.max(subtasks, s.subtasks());
          if (s.status() == ControlStatus.State.ACTIVE) {
            active.add(s);
          }
          answers.putIfAbsent(s.subtask(), s);
        }
        if (subtasks > 0 && answers.size() >= subtasks) {
          break;
        }
      }
      return new Answer(command, outcome(answers, subtasks), answers, active, subtasks);
    }
  }

  private static Outcome outcome(Map<Integer, ControlStatus> answers, int subtasks) {
    if (answers.values().stream().anyMatch(s -> s.status() == ControlStatus.State.REJECTED)) {
      return Outcome.REJECTED;
    }
    return subtasks > 0 && answers.size() >= subtasks ? Outcome.ACCEPTED : Outcome.TIMED_OUT;
  }

  /**
   * The latest answer of every current subtask, per bundle name, read from the compacted status
   * topic. Subtasks beyond the parallelism of a name's newest answer (left over from before a
   * rescale) are left out.
   */
  public Map<String, List<ControlStatus>> current(Duration timeout) {
    ControlTopics.ensure(bootstrap, settings, controlTopic);
    Map<String, ControlStatus> latest = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = statusPartitions(consumer, timeout);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s reading " + statusTopic());
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          ControlStatus s = parse(r);
          if (s != null) {
            latest.put(s.name() + "/" + s.subtask(), s);
          }
        }
      }
    }
    return byName(latest.values());
  }

  static Map<String, List<ControlStatus>> byName(Collection<ControlStatus> latest) {
    Map<String, List<ControlStatus>> byName = new TreeMap<>();
    for (ControlStatus s : latest) {
      byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
    }
    byName.replaceAll((name, list) -> {
      int subtasks = list.stream().max(Comparator.comparing(ControlStatus::at)).orElseThrow().subtasks();
      return list.stream().filter(s -> s.subtask() < subtasks && s.subtasks() == subtasks)
          .sorted(Comparator.comparingInt(ControlStatus::subtask)).toList();
    });
    return byName;
  }

  private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  public String statusTopic() {
    return ControlTopics.statusTopic(controlTopic);
  }

  private ControlStatus parse(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return ControlStatus.parse(r.value());
    } catch (IllegalArgumentException e) {
      LOG.warn("{} offset {}: skipped, not a status record: {}", statusTopic(), r.offset(), e.getMessage());
      return null;
    }
  }

  private List<TopicPartition> statusPartitions(KafkaConsumer<byte[], byte[]> consumer, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(statusTopic(), timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(statusTopic() + " has no partitions");
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private void produce(ControlCommand command, Duration timeout) {
    Map<String, String> defaults = Map.of("acks", "all", "max.block.ms", String.valueOf(Math.max(10_000, timeout.toMillis())),
        "client.id", "lockstep-control");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.over(defaults, Map.of(
        "bootstrap.servers", bootstrap,
        "key.serializer", ByteArraySerializer.class.getName(),
        "value.serializer", ByteArraySerializer.class.getName())))) {
      // The write itself is not part of --timeout (the wait for answers is): a broker that is slow to
      // acknowledge gets the producer's own delivery timeout, then the command fails with its error.
      producer.send(new ProducerRecord<>(controlTopic, command.key(), command.value())).get(
          Math.max(150_000, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write to " + controlTopic + ": " + settings.redact(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out writing to " + controlTopic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing to " + controlTopic, e);
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(settings.over(Map.of("client.id", "lockstep-control-status"), Map.of(
        "bootstrap.servers", bootstrap,
        "enable.auto.commit", "false",
        "isolation.level", "read_committed",
        "key.deserializer", ByteArrayDeserializer.class.getName(),
        "value.deserializer", ByteArrayDeserializer.class.getName())));
  }
}
