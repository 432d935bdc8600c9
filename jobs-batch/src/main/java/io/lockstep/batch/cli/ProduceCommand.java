package io.lockstep.batch.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.InputFormat;
import io.lockstep.avro.PlainJson;
import io.lockstep.batch.ExitCode;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.batch.io.RecordSources;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.features.FieldAccessor;
import io.lockstep.kafka.KafkaClientOptions;
import io.lockstep.kafka.KafkaPreflight;
import io.lockstep.window.WindowSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep produce}: sends a file's records to a Kafka topic in the encoding the streaming
 * job reads (docs/spec.md, CLI; Kafka), keyed by the spec's {@code key} field (its text, UTF-8) so one
 * key's events keep their file order in one partition.
 *
 * <p>Goal: the same file through {@code produce} and the streaming job gives the same dead letters,
 * with the same reasons, as {@code lockstep score}. So with {@code --input-format json} a JSON-lines
 * line is sent as its bytes, never re-encoded (invalid UTF-8 reaches the topic unchanged), and a CSV
 * row that does not decode is sent as a JSON object of its fields: the values that decoded, typed,
 * and the others as their cell text (empty cells null), so the job finds the same field-level reason.
 * A row that is not a record at all (a stray quote, a wrong cell count) is sent as its line. As Avro
 * a record that does not decode cannot be written: it is not sent, and reported.
 *
 * <p>Every send is awaited: a record the broker refuses (too large, no such topic, no leader) is
 * counted, the first error printed, and the command exits 1 (docs/spec.md, Exit codes).
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Send a file's records to a Kafka topic as Avro binary, Avro single-object or JSON values.")
final class ProduceCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT.")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "Topic to write.")
  String topic;

  @Option(names = "--bundle", required = true, description = "Bundle directory or .zip (its input.avsc and key).")
  Path bundle;

  @Option(names = "--input", required = true, description = "Input file (.csv, .jsonl, .parquet, .avro).")
  Path input;

  @Option(names = "--input-format", defaultValue = "avro",
      description = "Kafka value encoding: avro, avro-single or json (default: ${DEFAULT-VALUE}).")
  String valueFormat;

  @Option(names = "--file-format", description = "csv, jsonl, parquet or avro (default: by extension).")
  String fileFormat;

  @Option(names = "--rate", defaultValue = "0", description = "Records per second at most (default: as fast as possible).")
  double rate;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Override
  public Integer call() throws Exception {
    InputFormat encoding = InputFormat.parse(valueFormat);
    Bundle b = BundleLoader.load(bundle);
    WindowSet keys = WindowSet.compile(b.spec(), b.inputSchema());
    AvroCodec codec = new AvroCodec(b.inputSchema());
    FileFormat format = fileFormat == null ? FileFormat.of(input.toString()) : FileFormat.named(fileFormat);
    KafkaPreflight.check(bootstrap, kafka.settings());
    long sent = 0;
    long skipped = 0;
    long started = System.nanoTime();
    SendResults results = new SendResults();
    try (RecordSource source = RecordSources.open(input, format, b.inputSchema(), List.of());
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      RawRecord r;
      while ((r = source.next()) != null) {
        byte[] value = encode(encoding, format, r, codec);
        if (value == null) {
          System.err.println("lockstep produce: " + r.source() + ": " + r.decoded().reason()
              + " — not sent: Avro cannot carry a record that does not decode (use --input-format json to send it as is)");
          skipped++;
          continue;
        }
        String key = r.decoded().isOk() ? keys.key(FieldAccessor.of(r.decoded().record())) : null;
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value),
            results.callback(r.source()));
        sent++;
        pace(sent, started);
      }
      producer.flush();
    }
    long failed = results.failed();
    System.out.println("lockstep produce: sent " + (sent - failed) + " records to " + topic + " as " + encoding.flag()
        + (skipped > 0 ? " (" + skipped + " not sent, see above)" : ""));
    if (failed > 0) {
      System.err.println("lockstep produce: " + failed + " of " + sent + " records failed to send; first: " + results.firstError());
      return ExitCode.FAILED.code();
    }
    return ExitCode.FINISHED.code();
  }

  /** Counts the sends the broker refused and keeps the first error, from the producer's I/O thread. */
  static final class SendResults {
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> first = new AtomicReference<>();

    Callback callback(String source) {
      return (metadata, e) -> {
        if (e != null) {
          failed.incrementAndGet();
          first.compareAndSet(null, source + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      };
    }

    long failed() {
      return failed.get();
    }

    String firstError() {
      return first.get();
    }
  }

  private void pace(long sent, long started) throws InterruptedException {
    if (rate <= 0) {
      return;
    }
    long due = started + (long) (sent * 1e9 / rate);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  private Properties producerConfig() {
    return kafka.settings().over(Map.of("acks", "all", "linger.ms", "5", "client.id", "lockstep-produce"),
        Map.of("bootstrap.servers", bootstrap));
  }

  /** The value to send, or null when the encoding cannot carry the record (Avro, a record that does not decode). */
  static byte[] encode(InputFormat encoding, FileFormat file, RawRecord r, AvroCodec codec) {
    if (encoding == InputFormat.JSON && file == FileFormat.JSONL) {
      return original(r);
    }
    if (r.decoded().isOk()) {
      return encoding.encode(r.decoded().record(), codec);
    }
    if (encoding != InputFormat.JSON) {
      return null;
    }
    if (r.fieldTexts() != null) {
      return fieldsAsJson(r).getBytes(StandardCharsets.UTF_8);
    }
    return original(r);
  }

  private static byte[] original(RawRecord r) {
    return r.text() != null ? r.text().getBytes(StandardCharsets.UTF_8) : r.bytes();
  }

  /** A CSV row that did not decode: decoded fields typed, the others as their cell text, empty cells null. */
  private static String fieldsAsJson(RawRecord r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    GenericData.Record partial = r.decoded().partial();
    for (Map.Entry<String, String> e : r.fieldTexts().entrySet()) {
      Object typed = partial.get(e.getKey());
      if (typed != null || e.getValue() == null) {
        PlainJson.put(n, e.getKey(), typed);
      } else {
        n.put(e.getKey(), e.getValue());
      }
    }
    return n.toString();
  }
}
