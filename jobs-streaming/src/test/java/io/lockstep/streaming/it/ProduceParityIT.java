package io.lockstep.streaming.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 8: the same file through {@code lockstep produce --input-format json} and the
 * streaming job gives the same dead letters, with the same reasons and keys, as {@code lockstep
 * score}; and a record the broker refuses makes {@code produce} fail instead of reporting it sent.
 * Real CLI jar, real broker, Flink MiniCluster.
 */
class ProduceParityIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = StreamHarness.miniCluster();

  private static final String HEADER = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,"
      + "discount_pct,country,age,paperless_billing\n";

  @TempDir
  Path tmp;

  private final GoldenFixture fx = GoldenFixture.of("lr");

  /** Good rows with, at random places, rows that single node dead-letters for different reasons. */
  private byte[] hostileCsv(long seed) {
    Random random = new Random(seed);
    List<byte[]> bad = List.of(
        utf8("B1,4x,70.5,800.0,1,3.0,0.1,FR,40,true\n"),          // decode:tenure_months
        utf8("B2,12,70.5,800.0,1,3.0,0.1,FR,41.5,true\n"),        // decode:age
        utf8("B3,12,70.5,800.0,1,3.0,0.1,FR,40,maybe\n"),         // decode:paperless_billing
        utf8(",12,70.5,800.0,1,3.0,0.1,FR,40,true\n"),            // schema:customer_id
        utf8("B5,12,,800.0,1,3.0,0.1,FR,40,true\n"),              // schema:monthly_charges
        utf8("B6,12,70.5,800.0,1,,0.1,FR,40,true\n"),             // missing:days_since_login
        utf8("B7,12,70.5,800.0,1,3.0,0.1,FR,40\n"),               // decode:record (cell count)
        utf8("B8,12,70.5,800.0,1,3.0,0.1,F\"R,40,true\n"),        // decode:record (stray quote)
        latin1("B\u00ff\u00fe9,12,70.5,800.0,1,3.0,0.1,FR,40,true\n")); // decode:record (not UTF-8)
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(HEADER));
    int next = 0;
    for (int i = 0; i < 60; i++) {
      out.writeBytes(utf8(String.format(java.util.Locale.ROOT, "G%d,%d,%.2f,%.2f,%d,%.1f,0.%d,DE,%d,%s%n", i,
          1 + random.nextInt(70), 20 + random.nextDouble() * 80, 100 + random.nextDouble() * 5000, random.nextInt(6),
          random.nextDouble() * 30, random.nextInt(10), 18 + random.nextInt(60), random.nextBoolean())));
      if (next < bad.size() && (random.nextInt(5) == 0 || 60 - i <= bad.size() - next)) {
        out.writeBytes(bad.get(next++));
      }
    }
    return out.toByteArray();
  }

  private static byte[] hostileJsonLines() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String good = "{\"customer_id\":\"J%d\",\"tenure_months\":12,\"monthly_charges\":70.5,\"total_charges\":800.0,"
        + "\"support_calls\":1,\"days_since_login\":3.0,\"discount_pct\":0.1,\"country\":\"FR\",\"age\":40,\"paperless_billing\":true}\n";
    for (int i = 0; i < 20; i++) {
      out.writeBytes(utf8(String.format(good, i)));
    }
    out.writeBytes(utf8(String.format(good, 90).replace("\"age\":40", "\"age\":\"40\"")));       // decode:age
    out.writeBytes(utf8(String.format(good, 91).replace("\"days_since_login\":3.0,", "")));      // missing:days_since_login
    out.writeBytes(latin1(String.format(good, 92).replace("\"FR\"", "\"F\u00ffR\"")));           // decode:record (not UTF-8)
    out.writeBytes(utf8("{\"customer_id\":\"J93\",\"tenure_months\":\n"));                         // decode:record
    out.writeBytes(utf8(String.format(good, 94).replace("70.5", "7.05e1")));                    // good, sent as written
    return out.toByteArray();
  }

  @Test
  void csvThroughProduceAndTheJobGivesTheDeadLettersOfScore() throws Exception {
    assertSameDeadLetters(Files.write(tmp.resolve("hostile.csv"), hostileCsv(5)));
  }

  @Test
  void jsonLinesThroughProduceAndTheJobGivesTheDeadLettersOfScore() throws Exception {
    assertSameDeadLetters(Files.write(tmp.resolve("hostile.jsonl"), hostileJsonLines()));
  }

  private void assertSameDeadLetters(Path input) throws Exception {
    assumeTrue(LockstepProcess.available(), "jobs-batch/target/lockstep-jobs-batch.jar not built (run the reactor: mvn verify)");
    Path l1 = tmp.resolve("l1.jsonl");
    LockstepProcess score = LockstepProcess.run(tmp, "score", "--bundle", fx.bundle().toString(), "--input", input.toString(),
        "--output", l1.toString());
    assertThat(score.code()).as(score.err()).isZero();
    List<String> expected = keysAndReasons(Files.readAllLines(tmp.resolve("l1.jsonl.deadletter.jsonl")).stream()
        .map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
    long scored = Files.readAllLines(l1).size();
    assertThat(expected).hasSizeGreaterThanOrEqualTo(4);

    KafkaBroker kafka = KafkaBroker.shared();
    String in = StreamHarness.topic("parity-in");
    String out = in + "-predictions";
    kafka.createTopics(1, in, out, out + ".dlq");
    LockstepProcess produce = LockstepProcess.run(tmp, "produce", "--bootstrap", kafka.bootstrap(), "--topic", in,
        "--bundle", fx.bundle().toString(), "--input", input.toString(), "--input-format", "json");
    assertThat(produce.code()).as(produce.err()).isZero();

    StreamScoreJob.environment(StreamOptions.parse("--bundle", fx.bundle().toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--input-format", "json", "--bounded", "--starting-offsets", "earliest"))
        .execute("produce-parity");

    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAll(out + ".dlq", expected.size(), Duration.ofSeconds(30));
    assertThat(keysAndReasons(dead.stream().map(ConsumerRecord::value).toList())).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(kafka.readAll(out, (int) scored, Duration.ofSeconds(30))).hasSize((int) scored);
  }

  @Test
  void aRecordTheBrokerRefusesMakesProduceFailNamingIt() throws Exception {
    assumeTrue(LockstepProcess.available(), "jobs-batch/target/lockstep-jobs-batch.jar not built (run the reactor: mvn verify)");
    String good = "{\"customer_id\":\"K%d\",\"tenure_months\":12,\"monthly_charges\":70.5,\"discount_pct\":0.1,"
        + "\"country\":\"%s\",\"age\":40,\"paperless_billing\":true}\n";
    StringBuilder file = new StringBuilder();
    file.append(String.format(good, 1, "FR")).append(String.format(good, 2, "x".repeat(2 * 1024 * 1024)))
        .append(String.format(good, 3, "DE"));
    Path input = Files.writeString(tmp.resolve("big.jsonl"), file);
    KafkaBroker kafka = KafkaBroker.shared();
    String topic = StreamHarness.topic("big");
    kafka.createTopics(1, topic);

    LockstepProcess produce = LockstepProcess.run(tmp, "produce", "--bootstrap", kafka.bootstrap(), "--topic", topic,
        "--bundle", fx.bundle().toString(), "--input", input.toString(), "--input-format", "json");

    assertThat(produce.code()).isEqualTo(1);
    assertThat(produce.out()).contains("sent 2 records");
    assertThat(produce.err()).contains("1 of 3 records failed to send").contains("big.jsonl:2").contains("RecordTooLarge");
    assertThat(kafka.readAll(topic, 2, Duration.ofSeconds(10))).hasSize(2);
  }

  private static List<String> keysAndReasons(List<byte[]> deadLetters) {
    List<String> out = new ArrayList<>();
    for (byte[] d : deadLetters) {
      JsonNode n = StreamHarness.json(d);
      out.add((n.hasNonNull("key") ? n.get("key").asText() : "-") + " " + n.get("reason").asText());
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
