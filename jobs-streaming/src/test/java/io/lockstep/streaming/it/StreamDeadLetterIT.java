package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input never stops the job and is never dropped: garbage bytes, a record written with another
 * schema, a truncated record, a missing value and an infinite feature each land in the dead-letter
 * topic with their own reason and their original bytes, and good records sent afterwards are still
 * scored by the same running job.
 */
class StreamDeadLetterIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  @Test
  void badRecordsAreDeadLetteredWithTheirReasonAndTheJobKeepsScoring() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    GoldenFixture fx = GoldenFixture.of("lr");
    Bundle bundle = BundleLoader.load(fx.bundle());
    String in = StreamHarness.topic("dlq-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    AvroCodec codec = new AvroCodec(bundle.inputSchema());

    byte[] garbage = new byte[16];
    Arrays.fill(garbage, (byte) 0xFF);
    byte[] good = codec.binary(customer(bundle.inputSchema(), "C1", 70.0, 0.0));
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    byte[] otherSchema = codec(otherSchema(bundle.inputSchema())).binary(otherRecord(otherSchema(bundle.inputSchema())));
    byte[] missing = codec.binary(customer(bundle.inputSchema(), "C2", Double.NaN, 0.0));
    byte[] infinite = codec.binary(customer(bundle.inputSchema(), "C3", Double.POSITIVE_INFINITY, 0.0));

    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", "1"));
    try {
      List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
      for (byte[] v : List.of(garbage, otherSchema, truncated, missing, infinite)) {
        first.add(new ProducerRecord<>(in, "k".getBytes(StandardCharsets.UTF_8), v));
      }
      kafka.send(in, first);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(out + ".dlq", 5, Duration.ofSeconds(60));
      kafka.send(in, List.of(new ProducerRecord<>(in, "C1".getBytes(StandardCharsets.UTF_8), good)));
      List<ConsumerRecord<byte[], byte[]>> predictions = kafka.readAll(out, 1, Duration.ofSeconds(60));

      Map<Long, JsonNode> byOffset = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : dead) {
        byOffset.put(StreamHarness.sourceOffset(r), StreamHarness.json(r.value()));
      }
      assertThat(byOffset).hasSize(5);
      assertThat(byOffset.get(0L).get("reason").asText()).startsWith("decode:").isNotEqualTo("decode:record");
      assertThat(byOffset.get(1L).get("reason").asText()).isEqualTo("schema:record");
      assertThat(byOffset.get(2L).get("reason").asText()).isEqualTo("decode:record");
      assertThat(byOffset.get(3L).get("reason").asText()).isEqualTo("missing:monthly_charges");
      assertThat(byOffset.get(4L).get("reason").asText()).isEqualTo("nan:charges_z");
      assertThat(byOffset.get(3L).get("key").asText()).isEqualTo("C2");
      assertThat(byOffset.get(2L).get("original").asText())
          .isEqualTo(java.util.Base64.getEncoder().encodeToString(truncated));
      assertThat(dead.get(0).key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));

      assertThat(predictions).hasSize(1);
      GenericRecord p = StreamHarness.decode(StreamHarness.predictionSchema(bundle, List.of(), false), predictions.get(0).value());
      assertThat(p.get("customer_id").toString()).isEqualTo("C1");
      assertThat(predictions.get(0).key()).isEqualTo("C1".getBytes(StandardCharsets.UTF_8));
      assertThat((Long) p.get("scored_at")).isPositive();
    } finally {
      job.cancel().get();
    }
  }

  static GenericRecord customer(Schema s, String id, double monthlyCharges, double totalCharges) {
    GenericData.Record r = new GenericData.Record(s);
    r.put("customer_id", id);
    r.put("tenure_months", 12);
    r.put("monthly_charges", monthlyCharges);
    r.put("total_charges", totalCharges);
    r.put("support_calls", 1);
    r.put("days_since_login", 3.0);
    r.put("discount_pct", 10.0f);
    r.put("country", "US");
    r.put("age", 40);
    r.put("paperless_billing", true);
    return r;
  }

  /** The input schema with one more field at the end: its records leave bytes the input schema does not read. */
  static Schema otherSchema(Schema input) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : input.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("note", Schema.create(Schema.Type.STRING), null, null));
    return Schema.createRecord("Other", null, "test", false, fields);
  }

  static GenericRecord otherRecord(Schema other) {
    GenericRecord base = customer(other, "C9", 50.0, 0.0);
    base.put("note", "written with another schema");
    return base;
  }

  static AvroCodec codec(Schema s) {
    return new AvroCodec(s);
  }
}
