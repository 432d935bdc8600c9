package io.lockstep.batch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.avro.PlainJson;
import io.lockstep.avro.PredictionSchema;
import io.lockstep.batch.io.CsvText;
import io.lockstep.batch.local.SourceColumn;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.kafka.KafkaClientOptions;
import io.lockstep.kafka.KafkaPreflight;
import io.lockstep.kafka.SourceHeader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lockstep tail}: prints a predictions or dead-letter topic as JSON lines or CSV, writing and
 * flushing each record as it arrives (docs/spec.md, CLI); each prediction gets the {@code _source} of
 * its input record ({@code topic/partition/offset}). Dead letters are JSON values and print as they
 * are; predictions are Avro binary of the prediction schema, which the streaming job publishes on
 * {@code <topic>.schema} (read on the first Avro record), or which {@code --bundle} (and the job's
 * {@code --keep}) derive. Reads committed records only, without a consumer group (it commits nothing).
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Print the predictions or dead letters of a Kafka topic as JSON lines or CSV.")
final class TailCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT.")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "Topic to read.")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the earliest offset (default: only new records).")
  boolean fromBeginning;

  @Option(names = "--max", defaultValue = "0", description = "Stop after N records (default: no limit).")
  long max;

  @Option(names = "--idle", defaultValue = "0", description = "Stop after S seconds without a new record (default: never).")
  double idleSeconds;

  @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or csv (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output", description = "Write to this file instead of stdout.")
  Path output;

  @Option(names = "--bundle", description = "Bundle the predictions were scored with (default: the schema the job published on <topic>.schema).")
  Path bundle;

  @Option(names = "--keep", split = ",", description = "The --keep fields the job was started with.")
  List<String> keep = new ArrayList<>();

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Override
  public Integer call() throws Exception {
    if (!format.equals("jsonl") && !format.equals("csv")) {
      throw new IllegalArgumentException("--format must be jsonl or csv, got '" + format + "'");
    }
    Schema schema = bundle == null ? null : predictionSchema(BundleLoader.load(bundle), keep);
    KafkaPreflight.check(bootstrap, kafka.settings());
    GenericDatumReader<GenericRecord> reader = schema == null ? null : new GenericDatumReader<>(schema);
    long seen = 0;
    List<String> header = null;
    try (OutputStream sink = output == null ? null : Files.newOutputStream(output);
         KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      PrintStream out = sink == null ? System.out : new PrintStream(sink, false, StandardCharsets.UTF_8);
      long lastRecord = System.nanoTime();
      BinaryDecoder decoder = null;
      while (max <= 0 || seen < max) {
        boolean any = false;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          any = true;
          ObjectNode node;
          if (isJson(r.value())) {
            node = (ObjectNode) JSON.readTree(r.value());
          } else {
            if (reader == null) {
              reader = new GenericDatumReader<>(publishedSchema(r));
            }
            decoder = DecoderFactory.get().binaryDecoder(r.value(), decoder);
            node = PlainJson.toNode(reader.read(null, decoder));
          }
          addSource(node, r);
          if (format.equals("csv")) {
            if (header == null) {
              header = fieldNames(node);
              out.println(String.join(",", header.stream().map(CsvText::quote).toList()));
            }
            out.println(csvRow(node, header));
          } else {
            out.println(node.toString());
          }
          out.flush();
          if (max > 0 && ++seen >= max) {
            break;
          } else if (max <= 0) {
            seen++;
          }
        }
        if (any) {
          lastRecord = System.nanoTime();
        } else if (idleSeconds > 0 && System.nanoTime() - lastRecord > (long) (idleSeconds * 1e9)) {
          break;
        }
      }
      out.flush();
    }
    System.err.println("lockstep tail: " + seen + " records from " + topic);
    return 0;
  }

  /**
   * Adds the input's {@code topic/partition/offset} (the {@code lockstep.source} header the streaming
   * job writes) as {@code _source}, as {@code lockstep score --emit-source} adds {@code file:line}:
   * {@code lockstep verify} then joins a tail file by source position without a key. Dead letters
   * carry their {@code source} already and are printed as they are.
   */
  private static void addSource(ObjectNode node, ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(SourceHeader.NAME);
    if (h != null && !node.has("reason")) {
      node.put(SourceColumn.NAME, new String(h.value(), StandardCharsets.UTF_8));
    }
  }

  /** The schema the streaming job published on {@code <topic>.schema}: its latest record. */
  private Schema publishedSchema(ConsumerRecord<byte[], byte[]> first) {
    String schemaTopic = PredictionSchema.topicOf(topic);
    Properties p = kafka.settings().over(Map.of("client.id", "lockstep-tail-schema"),
        Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false"));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(schemaTopic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw noSchema(first, "there is no topic " + schemaTopic);
      }
      TopicPartition tp = new TopicPartition(schemaTopic, 0);
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      if (end == 0) {
        throw noSchema(first, schemaTopic + " is empty");
      }
      c.seek(tp, Math.max(0, end - 1));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() == end - 1) {
            return new Schema.Parser().parse(new String(r.value(), StandardCharsets.UTF_8));
          }
        }
      }
      throw noSchema(first, "could not read " + schemaTopic + " in 10 s");
    }
  }

  private IllegalArgumentException noSchema(ConsumerRecord<byte[], byte[]> r, String why) {
    return new IllegalArgumentException(topic + "/" + r.partition() + "/" + r.offset() + " is an Avro prediction and " + why
        + ": pass --bundle (and the job's --keep) to decode it");
  }

  static Schema predictionSchema(Bundle b, List<String> keep) {
    return PredictionSchema.forBundle(b, keep, true);
  }

  private static boolean isJson(byte[] v) {
    return v != null && v.length > 0 && v[0] == '{' && v[v.length - 1] == '}';
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String csvRow(JsonNode node, List<String> header) {
    List<String> cells = new ArrayList<>();
    for (String h : header) {
      JsonNode v = node.get(h);
      cells.add(v == null || v.isNull() ? "" : CsvText.quote(v.isTextual() ? v.textValue() : v.toString()));
    }
    return String.join(",", cells);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = kafka.settings().over(Map.of("client.id", "lockstep-tail"),
        Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed", "enable.auto.commit", "false"));
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    if (parts.isEmpty()) {
      c.close();
      throw new IllegalArgumentException("topic " + topic + " does not exist on " + bootstrap);
    }
    c.assign(parts);
    if (fromBeginning) {
      c.seekToBeginning(parts);
    } else {
      c.seekToEnd(parts);
      parts.forEach(c::position);
    }
    return c;
  }
}
