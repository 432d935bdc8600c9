package io.lockstep.streaming;

import io.lockstep.kafka.KafkaSettings;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker for a topic's {@code max.message.bytes}, when the job graph is built: a dead-letter
 * topic configured below the producer's {@code max.request.size} would refuse a large dead letter,
 * fail the sink and restart the job in a loop, so dead letters are fitted under the smaller of the two.
 */
final class TopicMessageLimit {
  private static final Logger LOG = LoggerFactory.getLogger(TopicMessageLimit.class);

  private TopicMessageLimit() {}

  /** The topic's {@code max.message.bytes}, or empty when it cannot be learned (topic not created yet, broker down). */
  static OptionalInt of(String bootstrap, KafkaSettings settings, String topic) {
    try (Admin admin = TopicPartitions.admin(bootstrap, settings)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get(15, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = config == null ? null : config.get("max.message.bytes");
      return entry == null || entry.value() == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(entry.value().trim()));
    } catch (Exception e) {
      LOG.info("cannot read max.message.bytes of {} on {} ({}); dead letters are fitted to the producer's max.request.size",
          topic, bootstrap, settings.redact(String.valueOf(e.getMessage())));
      return OptionalInt.empty();
    }
  }
}
