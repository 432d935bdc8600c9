package io.lockstep.streaming.bench;

import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.features.FieldAccessor;
import io.lockstep.io.CsvParser;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.streaming.Loopback;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import io.lockstep.streaming.it.KafkaBroker;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import io.lockstep.window.KeyWindowState;
import io.lockstep.window.WindowSet;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericData;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The streaming benchmark, in one run against a real broker and a local MiniCluster (parallelism
 * 2, 2 partitions): (1) throughput of the scoring job over an identity Kafka→Flink→Kafka job on the
 * same records; (2) end-to-end latency (producer create time → consumer receipt) at half the
 * measured max rate, at-least-once and exactly-once; (3) throughput with window features over the
 * same model and data with row features only; (4) window state bytes per key per aggregator.
 *
 * <p>Run (after {@code mvn -DskipTests install}):
 * {@code java -cp "jobs-streaming/target/test-classes:jobs-streaming/target/classes:$(cat jobs-streaming/target/test.classpath)" io.lockstep.streaming.bench.StreamBench}
 */
public final class StreamBench {
  static final int PARTITIONS = 2;
  static final int PARALLELISM = 2;

  private final KafkaBroker kafka = KafkaBroker.shared();
  private final Path repo = KafkaBroker.repo();
  private final int n;
  private final int latencySeconds;

  StreamBench(int n, int latencySeconds) {
    this.n = n;
    this.latencySeconds = latencySeconds;
  }

  /**
   * {@code StreamBench [records [seconds]]} runs everything; {@code StreamBench latency SECONDS RATE...}
   * only the latency runs at the given rates (events per second).
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 2 && args[0].equals("latency")) {
      StreamBench b = new StreamBench(0, Integer.parseInt(args[1]));
      Path churn = b.repo.resolve("examples/churn/bundle");
      for (int i = 2; i < args.length; i++) {
        double r = Double.parseDouble(args[i]);
        double[] alo = b.latency(churn, r, "at-least-once");
        System.out.printf("RESULT latency at %.0f ev/s, at-least-once: p50 %.1f ms, p99 %.1f ms (n=%d)%n", r, alo[0], alo[1], (long) alo[2]);
        double[] eo = b.latency(churn, r, "exactly-once");
        System.out.printf("RESULT latency at %.0f ev/s, exactly-once (checkpoint 1000 ms): p50 %.1f ms, p99 %.1f ms (n=%d)%n", r, eo[0], eo[1], (long) eo[2]);
      }
      System.exit(0);
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    new StreamBench(n, seconds).run();
    System.exit(0);
  }

  void run() throws Exception {
    Path churn = repo.resolve("examples/churn/bundle");
    Bundle bundle = BundleLoader.load(churn);
    List<byte[][]> rows = churnRecords(bundle, n);
    String in = "bench-in-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, in);
    produce(in, rows);

    // Warm-up (JIT, ORT, broker segments): one small run of each job, not counted.
    String warm = "bench-warm-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, warm);
    produce(warm, rows.subList(0, Math.min(rows.size(), 50_000)));
    throughput(warm, null, churn);
    throughput(warm, "score", churn);

    double identity = Math.max(throughput(in, null, churn), throughput(in, null, churn));
    double scoring = Math.max(throughput(in, "score", churn), throughput(in, "score", churn));
    System.out.printf("RESULT identity Kafka->Flink->Kafka: %.0f ev/s; scoring job: %.0f ev/s; ratio %.2f (best of 2 each)%n",
        identity, scoring, scoring / identity);

    double rate = Math.max(1000, scoring / 2);
    for (double r : new double[] {rate, 1000}) {
      double[] alo = latency(churn, r, "at-least-once");
      System.out.printf("RESULT latency at %.0f ev/s, at-least-once: p50 %.1f ms, p99 %.1f ms (n=%d)%n", r, alo[0], alo[1], (long) alo[2]);
      double[] eo = latency(churn, r, "exactly-once");
      System.out.printf("RESULT latency at %.0f ev/s, exactly-once (checkpoint 1000 ms): p50 %.1f ms, p99 %.1f ms (n=%d)%n", r, eo[0], eo[1], (long) eo[2]);
    }

    Path windowsBundle = repo.resolve("common/src/test/resources/golden/windows/bundle");
    Path rowsBundle = rowsOnlyBundle(windowsBundle);
    List<byte[][]> events = windowEvents(BundleLoader.load(windowsBundle), n, 10_000);
    String win = "bench-win-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, win);
    produce(win, events);
    double withWindows = 0;
    double rowsOnly = 0;
    for (int round = 0; round < 2; round++) {
      withWindows = Math.max(withWindows, throughput(win, "score", windowsBundle));
      rowsOnly = Math.max(rowsOnly, throughput(win, "score", rowsBundle));
    }
    System.out.printf("RESULT window features: %.0f ev/s; same model, row features only: %.0f ev/s; ratio %.2f (best of 2 each)%n",
        withWindows, rowsOnly, withWindows / rowsOnly);
    System.out.println("RESULT " + stateBytes(BundleLoader.load(windowsBundle), events));
  }

  /** Records per second through a bounded job, from the output topic's first to last record timestamp. */
  double throughput(String in, String job, Path bundleDir) throws Exception {
    String out = in + "-" + (job == null ? "identity" : job) + "-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, out, out + ".dlq");
    StreamExecutionEnvironment env;
    if (job == null) {
      env = StreamExecutionEnvironment.getExecutionEnvironment(Loopback.bind(new Configuration()));
      env.setParallelism(PARALLELISM);
      env.setBufferTimeout(1);
      env.getConfig().enableObjectReuse();
      IdentityJob.build(env, kafka.bootstrap(), in, out, ShippedBundle.read(bundleDir), 1);
    } else {
      env = StreamScoreJob.environment(StreamOptions.parse("--bundle", bundleDir.toString(), "--bootstrap", kafka.bootstrap(),
          "--input-topic", in, "--output-topic", out, "--bounded", "--starting-offsets", "earliest",
          "--parallelism", Integer.toString(PARALLELISM), "--group-id", out, "--checkpoint-ms", "10000", "--out-of-orderness", "5s"));
    }
    env.execute("bench " + out);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long count = 0;
    // The bounded job has finished: every output is already in the topic.
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(out, 0, Duration.ofSeconds(120))) {
      min = Math.min(min, r.timestamp());
      max = Math.max(max, r.timestamp());
      count++;
    }
    long dead = kafka.readAll(out + ".dlq", 0, Duration.ofSeconds(3)).size();
    System.out.printf("  %s on %s: %d out, %d dead letters in %d ms%n", job == null ? "identity" : bundleDir.getFileName(), in, count, dead, max - min);
    return count * 1000.0 / Math.max(1, max - min);
  }

  /** Records sent as fast as possible, not measured, before a latency run. */
  static final int WARMUP_BURST = 50_000;

  /** p50, p99 (ms) and sample count of producer create time → consumer receipt, at a fixed rate. */
  double[] latency(Path bundleDir, double rate, String delivery) throws Exception {
    String in = "lat-" + delivery + "-" + System.nanoTime();
    String out = in + "-out";
    kafka.createTopics(PARTITIONS, in, out, out + ".dlq");
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", bundleDir.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--parallelism", Integer.toString(PARALLELISM),
        "--delivery", delivery, "--checkpoint-ms", delivery.equals("exactly-once") ? "1000" : "10000",
        "--transactional-id-prefix", in, "--group-id", in));
    Map<String, Long> created = new ConcurrentHashMap<>();
    List<Long> latencies = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread consumer = new Thread(() -> consume(out, created, latencies, done));
    consumer.start();
    Thread.sleep(3000);
    List<byte[][]> rows = churnRecords(BundleLoader.load(bundleDir), (int) (rate * latencySeconds));
    Properties p = producerProps();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      // A long-running job is JIT-compiled; a few thousand paced records are not enough to get there
      // (C2 wants ~10k calls per method), so a burst, not measured, warms every path first.
      int burst = Math.max(WARMUP_BURST, (int) (rate * 5));
      for (int i = 0; i < burst; i++) {
        byte[][] r = rows.get(i % rows.size());
        producer.send(new ProducerRecord<>(in, r[0], r[1]));
      }
      producer.flush();
      Thread.sleep(5000);
      long warmupEnd = System.currentTimeMillis() + 1000;
      long start = System.nanoTime();
      for (int i = 0; i < rows.size(); i++) {
        long due = start + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // no spinning: the machine has 2 cores for broker, Flink and this client
        }
        producer.send(new ProducerRecord<>(in, rows.get(i)[0], rows.get(i)[1]), (md, ex) -> {
          if (ex == null && md.timestamp() >= warmupEnd) {
            created.put(in + "/" + md.partition() + "/" + md.offset(), md.timestamp());
          }
        });
      }
      producer.flush();
    }
    Thread.sleep(3000);
    done.set(true);
    consumer.join();
    job.cancel().get();
    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    if (sorted.length == 0) {
      return new double[] {Double.NaN, Double.NaN, 0};
    }
    return new double[] {sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))], sorted.length};
  }

  private void consume(String topic, Map<String, Long> created, List<Long> latencies, AtomicBoolean done) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("isolation.level", "read_committed");
    p.put("fetch.max.wait.ms", "5");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        parts.add(new TopicPartition(topic, i));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<String, Long> early = new HashMap<>();
      while (!done.get()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(5))) {
          long now = System.currentTimeMillis();
          Header h = r.headers().lastHeader(OutRecordSerializer.SOURCE_HEADER);
          early.put(new String(h.value(), StandardCharsets.UTF_8), now);
        }
        for (var it = early.entrySet().iterator(); it.hasNext(); ) {
          var e = it.next();
          Long t = created.get(e.getKey());
          if (t != null) {
            synchronized (latencies) {
              latencies.add(e.getValue() - t);
            }
            it.remove();
          } else if (e.getValue() < System.currentTimeMillis() - 2000) {
            it.remove(); // a warm-up record: its create time was not recorded
          }
        }
      }
    }
  }

  private Properties producerProps() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("linger.ms", "0");
    p.put("acks", "1");
    return p;
  }

  private void produce(String topic, List<byte[][]> records) {
    Properties p = producerProps();
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (byte[][] r : records) {
        producer.send(new ProducerRecord<>(topic, r[0], r[1]));
      }
      producer.flush();
    }
  }

  /** {key, value} pairs: the churn example's good rows, cycled, with fresh customer ids. */
  List<byte[][]> churnRecords(Bundle bundle, int count) throws Exception {
    List<GenericData.Record> base = new ArrayList<>();
    Path csv = repo.resolve("examples/churn/events.csv");
    try (Reader r = Files.newBufferedReader(csv)) {
      CsvParser parser = new CsvParser(r);
      CsvRecordDecoder decoder = new CsvRecordDecoder(bundle.inputSchema(), parser.next().cells(), List.of(), csv.toString());
      CsvParser.Row row;
      while ((row = parser.next()) != null) {
        Decoded d = row.malformed() ? null : decoder.decode(row.cells());
        if (d != null && d.isOk()) {
          base.add(d.record());
        }
      }
    }
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    List<byte[][]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      GenericData.Record rec = new GenericData.Record(base.get(i % base.size()), false);
      String id = "U" + i;
      rec.put("customer_id", id);
      out.add(new byte[][] {id.getBytes(StandardCharsets.UTF_8), codec.binary(rec)});
    }
    return out;
  }

  /** Payment events for {@code keys} keys, event time increasing by 10 ms per event (in order). */
  static List<byte[][]> windowEvents(Bundle bundle, int count, int keys) {
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    Random random = new Random(42);
    String[] channels = {"web", "app", "store"};
    long t0 = 1_795_000_000_000L;
    List<byte[][]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      GenericData.Record r = new GenericData.Record(bundle.inputSchema());
      String key = "k" + random.nextInt(keys);
      r.put("customer_id", key);
      r.put("event_time", t0 + i * 10L);
      r.put("amount", Math.round(random.nextDouble() * 20000) / 100.0);
      r.put("channel", channels[random.nextInt(3)]);
      r.put("items", 1 + random.nextInt(9));
      out.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), codec.binary(r)});
    }
    return out;
  }

  /** The windows bundle's schema and model with ten row features instead of five window + five row features. */
  static Path rowsOnlyBundle(Path windows) throws Exception {
    Path dir = Files.createTempDirectory("lockstep-bench-rows-");
    Path spec = dir.resolve("features.yaml");
    Files.writeString(spec, String.join("\n",
        "key: customer_id",
        "time: event_time",
        "features:",
        "  - {name: amount_z, from: amount, ops: [ {impute: 0.0}, {standardize: {mean: 100.0, std: 57.7}} ]}",
        "  - {name: amount_clip_log, from: amount, ops: [ {impute: 0.0}, {clip: {min: 0.0}}, log1p ]}",
        "  - {name: amount_mm, from: amount, ops: [ {impute: 0.0}, {min_max: {min: 0.0, max: 200.0}} ]}",
        "  - {name: items_band, from: items, ops: [ {impute: 0}, {bucketize: [2, 5, 8]} ]}",
        "  - {name: items_raw, from: items, ops: [ {impute: 0} ]}",
        "  - {name: amount_log, from: amount, ops: [ {impute: 0.0}, log1p ]}",
        "  - {name: items_z, from: items, ops: [ {standardize: {mean: 4.898, std: 2.5849}} ]}",
        "  - {name: channel, from: channel, ops: [ {one_hot: [web, app, store]} ]}",
        "model:",
        "  input: X",
        "  outputs:",
        "    score: {output: probabilities, index: 1}",
        "    label: {output: label}",
        ""));
    Path out = dir.resolve("rows-only");
    BundleWriter.write(spec, windows.resolve("input.avsc"), windows.resolve("model.onnx"), null, "bench-rows-only", "1",
        "benchmark baseline: windows schema and model, row features only", out);
    return out;
  }

  /** Mean serialised window state per key and per aggregator after replaying the events. */
  static String stateBytes(Bundle bundle, List<byte[][]> events) {
    WindowSet windows = WindowSet.compile(bundle.spec(), bundle.inputSchema());
    io.lockstep.avro.AvroBinaryDecoder decoder = new io.lockstep.avro.AvroBinaryDecoder(bundle.inputSchema());
    Map<String, KeyWindowState> states = new HashMap<>();
    double[] values = new double[windows.size()];
    for (byte[][] e : events) {
      Decoded d = decoder.decodeBinary(e[1]);
      FieldAccessor acc = FieldAccessor.of(d.record());
      KeyWindowState s = states.computeIfAbsent(windows.key(acc), k -> windows.newState());
      windows.observe(s, windows.timeMillis(acc), acc, values);
    }
    long total = states.values().stream().mapToLong(KeyWindowState::serializedBytes).sum();
    double perKey = (double) total / states.size();
    return String.format("window state: %d keys, %.1f events/key over %s, %.0f bytes/key, %.1f bytes/key/aggregator (%d aggregators)",
        states.size(), (double) events.size() / states.size(), Arrays.toString(new String[] {"count 1h", "sum 24h", "mean 1h", "max 10m", "min 90s"}),
        perKey, perKey / windows.size(), windows.size());
  }
}
