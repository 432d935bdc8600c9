package io.lockstep.streaming.kafka;

import io.lockstep.avro.PredictionSchema;
import io.lockstep.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the prediction schema next to the predictions, on {@code <output-topic>.schema} (one
 * partition, compacted, key {@code prediction}), when the job is built. Predictions are bare Avro
 * binary (docs/spec.md, Kafka), unreadable without their writer's schema; with this topic a consumer —
 * {@code lockstep tail} among them — needs nothing but the topic's name. Failing to publish never
 * stops the job: it logs what a consumer must do instead.
 */
public final class SchemaTopic {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);
  public static final String KEY = "prediction";

  private SchemaTopic() {}

  public static void publish(String bootstrap, KafkaSettings settings, String outputTopic, Schema schema) {
    String topic = PredictionSchema.topicOf(outputTopic);
    Properties p = settings.over(Map.of("client.id", "lockstep-schema-publisher", "max.block.ms", "15000",
        "delivery.timeout.ms", "20000", "request.timeout.ms", "10000"), Map.of("bootstrap.servers", bootstrap));
    try (Admin admin = Admin.create(p)) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1).configs(Map.of("cleanup.policy", "compact"))))
            .all().get(15, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(topic, KEY.getBytes(StandardCharsets.UTF_8),
            schema.toString().getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
      }
      LOG.info("prediction schema published on {}", topic);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("could not publish the prediction schema on {} ({}); consumers must derive it from the bundle "
          + "(lockstep tail --bundle DIR)", topic, settings.redact(e.toString()));
    }
  }
}
