package io.lockstep.streaming;

import io.lockstep.kafka.KafkaSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the broker how many partitions a topic has, when the job graph is built. */
final class TopicPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(TopicPartitions.class);

  private TopicPartitions() {}

  /** A short-lived admin client with the user's settings and short timeouts, for questions asked while the graph is built. */
  static Admin admin(String bootstrap, KafkaSettings settings) {
    return Admin.create(settings.over(Map.of("request.timeout.ms", "10000", "default.api.timeout.ms", "15000"),
        Map.of("bootstrap.servers", bootstrap)));
  }

  /** The topic's partition count, or -1 when it cannot be learned (topic not created yet, broker down). */
  static int count(String bootstrap, KafkaSettings settings, String topic) {
    try (Admin admin = admin(bootstrap, settings)) {
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
      return d.partitions().size();
    } catch (Exception e) {
      LOG.warn("cannot read the partition count of {} on {} ({}); the source runs at the job's parallelism",
          topic, bootstrap, settings.redact(e.getMessage()));
      return -1;
    }
  }
}
