package io.lockstep.streaming.bench;

import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.CsvRecordDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.avro.InputFormat;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.lifecycle.ControlTopics;
import io.lockstep.features.FieldAccessor;
import io.lockstep.io.CsvParser;
import io.lockstep.streaming.Loopback;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import io.lockstep.streaming.it.KafkaBroker;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import io.lockstep.streaming.scoring.BatchStats;
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
import org.apache.flink.api.common.JobExecutionResult;
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
 * 2, 2 partitions), on the churn example's rows as Avro and as JSON values:
 * <ol>
 *   <li>throughput of three jobs over a pre-filled topic (bounded): identity (bytes in, bytes out),
 *       naive (parse, features, one ORT call per record, see {@link NaiveJob}) and Lockstep;</li>
 *   <li>latency (producer create time, i.e. the topic's append time, to receipt by a consumer) of
 *       the same three jobs at 2,000 and 10,000 ev/s;</li>
 *   <li>Lockstep's mean micro-batch size at each of those points ({@link BatchStats});</li>
 *   <li>window features against row features only, and window state bytes per key per aggregator.</li>
 * </ol>
 * Every job runs with the same checkpointing (at-least-once, every 10 s, file storage), buffer
 * timeout and sink {@code linger.ms}, so the ratios isolate the per-record work.
 *
 * <p>Run (after {@code mvn -DskipTests package} and {@code mvn -pl jobs-streaming test-compile}):
 * {@code java -cp "jobs-streaming/target/test-classes:jobs-streaming/target/classes:$(cat jobs-streaming/target/test.classpath)" io.lockstep.streaming.bench.StreamBench}
 */
public final class StreamBench {
  static final int PARTITIONS = 2;
  static final int PARALLELISM = 2;
  static final long CHECKPOINT_MS = 10_000;
  static final List<String> JOBS = List.of("identity", "naive", "lockstep");
  /** The jobs plus a ceiling: identity that also decodes each value with the scoring job's decoder. */
  static final List<String> THROUGHPUT_JOBS = Arrays.stream(System.getProperty("lockstep.bench.throughput-jobs",
      "identity,decode,naive,lockstep").split(",")).toList();
  /**
   * Rounds of each throughput job, the best one kept ({@code -Dlockstep.bench.rounds}, default 2):
   * on a shared machine the identity job's own time moves by up to half between rounds, so more
   * rounds give a steadier best for every job alike.
   */
  static final int ROUNDS = Integer.getInteger("lockstep.bench.rounds", 2);
  /** {@code -Dlockstep.bench.formats=json} runs one input format only (profiling); both by default. */
  static final List<InputFormat> FORMATS = Arrays.stream(System.getProperty("lockstep.bench.formats", "avro,json").split(","))
      .map(InputFormat::parse).toList();

  private final KafkaBroker kafka = KafkaBroker.shared();
  private final Path repo = KafkaBroker.repo();
  private final Path churn = repo.resolve("examples/churn/bundle");
  private final int n;
  private final int latencySeconds;

  StreamBench(int n, int latencySeconds) {
    this.n = n;
    this.latencySeconds = latencySeconds;
  }

  /** One measurement: a rate (ev/s) or latency percentiles, with Lockstep's mean batch size. */
  record Point(double rate, double p50, double p99, long samples, double meanBatch) {}

  /**
   * {@code StreamBench [records [seconds [rates...]]]} runs everything (default 300000 records,
   * 10 s per latency run, rates 2000 10000); {@code StreamBench latency SECONDS RATE...} only the
   * latency runs; {@code StreamBench throughput RECORDS} only the throughput runs; {@code StreamBench
   * windows RECORDS} only the window runs. {@code -Dlockstep.bench.throughput-jobs=identity,decode,lockstep}
   * leaves the naive job out of the throughput runs (on a loaded machine it takes most of the time);
   * {@code parse} in that list adds the parse ceiling ({@link IdentityJob.Work#PARSE}: identity after
   * the fastest walk of each value's syntax, printed against identity, decode and Lockstep);
   * {@code lockstep-control} in that list adds the scoring job with {@code --control-topic} (the
   * lifecycle's two-input operator, not chained to the source), compared with {@code lockstep}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 2 && args[0].equals("latency")) {
      StreamBench b = new StreamBench(0, Integer.parseInt(args[1]));
      b.latencies(Arrays.stream(args, 2, args.length).mapToDouble(Double::parseDouble).toArray());
      System.exit(0);
    }
    if (args.length > 1 && args[0].equals("throughput")) {
      new StreamBench(Integer.parseInt(args[1]), 0).throughputs();
      System.exit(0);
    }
    if (args.length > 1 && args[0].equals("windows")) {
      new StreamBench(Integer.parseInt(args[1]), 0).windows();
      System.exit(0);
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    double[] rates = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToDouble(Double::parseDouble).toArray()
        : new double[] {2_000, 10_000};
    StreamBench b = new StreamBench(n, seconds);
    b.throughputs();
    b.latencies(rates);
    b.windows();
    System.exit(0);
  }

  void throughputs() throws Exception {
    Bundle bundle = BundleLoader.load(churn);
    List<GenericData.Record> records = churnRecords(bundle, n);
    Map<InputFormat, String> topics = new HashMap<>();
    for (InputFormat f : FORMATS) {
      String in = "bench-in-" + f.flag() + "-" + System.nanoTime();
      kafka.createTopics(PARTITIONS, in);
      produce(in, encode(bundle, records, f));
      topics.put(f, in);
      // Warm-up (JIT, ORT, broker segments): one small run of each job, not counted.
      String warm = "bench-warm-" + f.flag() + "-" + System.nanoTime();
      kafka.createTopics(PARTITIONS, warm);
      produce(warm, encode(bundle, records.subList(0, Math.min(records.size(), 50_000)), f));
      for (String job : THROUGHPUT_JOBS) {
        throughput(warm, job, churn, f);
      }
    }
    for (InputFormat f : FORMATS) {
      Map<String, Point> best = new HashMap<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (String job : THROUGHPUT_JOBS) {
          Point p = throughput(topics.get(f), job, churn, f);
          if (!best.containsKey(job) || p.rate() > best.get(job).rate()) {
            best.put(job, p);
          }
        }
      }
      Point none = new Point(Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN);
      Point id = best.getOrDefault("identity", none);
      Point naive = best.getOrDefault("naive", none);
      Point ours = best.getOrDefault("lockstep", none);
      Point decode = best.getOrDefault("decode", none);
      Point parse = best.getOrDefault("parse", none);
      if (best.containsKey("lockstep-control")) {
        Point control = best.get("lockstep-control");
        System.out.printf("RESULT control topic %s, %d records, best of " + ROUNDS + ": lockstep %.0f ev/s, lockstep --control-topic %.0f ev/s; "
            + "ratio %.2f%n", f.flag(), n, ours.rate(), control.rate(), control.rate() / ours.rate());
      }
      System.out.printf("RESULT throughput %s, %d records, best of " + ROUNDS + ": identity %.0f ev/s, naive %.0f ev/s, lockstep %.0f ev/s "
              + "(mean batch %.1f); lockstep/identity %.2f, lockstep/naive %.2f; ceiling: identity + decode %.0f ev/s = %.2f of identity%n",
          f.flag(), n, id.rate(), naive.rate(), ours.rate(), ours.meanBatch(), ours.rate() / id.rate(), ours.rate() / naive.rate(),
          decode.rate(), decode.rate() / id.rate());
      if (best.containsKey("parse")) {
        // The fastest reading of the input we have: how far our decoder is from it, and it from identity.
        System.out.printf("RESULT parse ceiling %s: identity + parse %.0f ev/s = %.2f of identity; identity + decode = %.2f of it; "
                + "lockstep = %.2f of it%n", f.flag(), parse.rate(), parse.rate() / id.rate(), decode.rate() / parse.rate(),
            ours.rate() / parse.rate());
      }
    }
  }

  void latencies(double[] rates) throws Exception {
    for (double rate : rates) {
      for (InputFormat f : FORMATS) {
        Map<String, Point> points = new HashMap<>();
        for (String job : JOBS) {
          points.put(job, latency(churn, rate, job, f));
        }
        Point id = points.get("identity");
        Point naive = points.get("naive");
        Point ours = points.get("lockstep");
        System.out.printf("RESULT latency %s at %.0f ev/s, p50 / p99 ms: identity %.1f / %.1f, naive %.1f / %.1f, "
                + "lockstep %.1f / %.1f (mean batch %.2f, n=%d); lockstep p50 - identity %+.1f ms, p99 / identity %.2f%n",
            f.flag(), rate, id.p50(), id.p99(), naive.p50(), naive.p99(), ours.p50(), ours.p99(), ours.meanBatch(), ours.samples(),
            ours.p50() - id.p50(), ours.p99() / id.p99());
      }
    }
  }

  void windows() throws Exception {
    Path windowsBundle = repo.resolve("common/src/test/resources/golden/windows/bundle");
    Path rowsBundle = rowsOnlyBundle(windowsBundle);
    List<byte[][]> events = windowEvents(BundleLoader.load(windowsBundle), n, 10_000);
    String win = "bench-win-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, win);
    produce(win, events);
    double withWindows = 0;
    double rowsOnly = 0;
    for (int round = 0; round < 2; round++) {
      withWindows = Math.max(withWindows, throughput(win, "lockstep", windowsBundle, InputFormat.AVRO).rate());
      rowsOnly = Math.max(rowsOnly, throughput(win, "lockstep", rowsBundle, InputFormat.AVRO).rate());
    }
    System.out.printf("RESULT window features: %.0f ev/s; same model, row features only: %.0f ev/s; ratio %.2f (best of 2 each)%n",
        withWindows, rowsOnly, withWindows / rowsOnly);
    System.out.println("RESULT " + stateBytes(BundleLoader.load(windowsBundle), events));
  }

  /** The job's environment: the bench's baselines or the real scoring job, with the same runtime settings. */
  StreamExecutionEnvironment job(String job, Path bundleDir, InputFormat format, String in, String out, boolean bounded) {
    if (job.startsWith("lockstep")) {
      List<String> args = new ArrayList<>(List.of("--bundle", bundleDir.toString(), "--bootstrap", kafka.bootstrap(),
          "--input-topic", in, "--output-topic", out, "--starting-offsets", "earliest", "--input-format", format.flag(),
          "--parallelism", Integer.toString(PARALLELISM), "--group-id", out, "--checkpoint-ms", Long.toString(CHECKPOINT_MS),
          "--out-of-orderness", "5s", "--transactional-id-prefix", out));
      if (bounded) {
        args.add("--bounded");
      }
      if (job.equals("lockstep-control")) {
        // The same job with the lifecycle on: the scoring operator takes the control topic as a second input.
        String control = out + "-control";
        ControlTopics.ensure(kafka.bootstrap(), kafka.clientSettings(), control);
        args.addAll(List.of("--control-topic", control));
      }
      return StreamScoreJob.environment(StreamOptions.parse(args.toArray(String[]::new)));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Loopback.bind(new Configuration()));
    env.setParallelism(PARALLELISM);
    env.setBufferTimeout(1);
    env.getConfig().enableObjectReuse();
    env.enableCheckpointing(CHECKPOINT_MS, org.apache.flink.core.execution.CheckpointingMode.AT_LEAST_ONCE);
    Configuration storage = new Configuration();
    storage.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    storage.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        Path.of(System.getProperty("java.io.tmpdir"), "lockstep-bench-checkpoints", out).toUri().toString());
    env.configure(storage);
    ShippedBundle bundle = ShippedBundle.read(bundleDir);
    if (job.equals("identity") || job.equals("decode") || job.equals("parse")) {
      IdentityJob.Work work = switch (job) {
        case "decode" -> IdentityJob.Work.DECODE;
        case "parse" -> IdentityJob.Work.PARSE;
        default -> IdentityJob.Work.NONE;
      };
      IdentityJob.build(env, kafka.bootstrap(), in, out, bundle, 1, format, bounded, work);
    } else {
      NaiveJob.build(env, kafka.bootstrap(), in, out, bundle, format, bounded);
    }
    return env;
  }

  /** Records per second through a bounded job, from the output topic's first to last record timestamp. */
  Point throughput(String in, String job, Path bundleDir, InputFormat format) throws Exception {
    String out = in + "-" + job + "-" + System.nanoTime();
    kafka.createTopics(PARTITIONS, out, out + ".dlq");
    JobExecutionResult result = job(job, bundleDir, format, in, out, true).execute("bench " + out);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long count = 0;
    // The bounded job has finished: every output is already in the topic.
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(out, 0, Duration.ofSeconds(120))) {
      min = Math.min(min, r.timestamp());
      max = Math.max(max, r.timestamp());
      count++;
    }
    long dead = job.startsWith("lockstep") ? kafka.readAll(out + ".dlq", 0, Duration.ofSeconds(3)).size() : 0;
    double meanBatch = BatchStats.meanBatch(result.getAllAccumulatorResults());
    System.out.printf("  %s %s on %s: %d out, %d dead letters in %d ms, mean batch %.1f%n", job, bundleDir.getFileName(), in, count,
        dead, max - min, meanBatch);
    return new Point(count * 1000.0 / Math.max(1, max - min), Double.NaN, Double.NaN, count, meanBatch);
  }

  /** Records sent as fast as possible, not measured, before a latency run. */
  static final int WARMUP_BURST = 50_000;

  /** p50, p99 (ms) of producer create time → consumer receipt at a fixed rate, at-least-once. */
  Point latency(Path bundleDir, double rate, String job, InputFormat format) throws Exception {
    String in = "lat-" + job + "-" + format.flag() + "-" + System.nanoTime();
    String out = in + "-out";
    kafka.createTopics(PARTITIONS, in, out, out + ".dlq");
    StreamExecutionEnvironment env = job(job, bundleDir, format, in, out, false);
    JobClient client = env.executeAsync("bench " + out);
    Map<String, Long> created = new ConcurrentHashMap<>();
    List<Long> latencies = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread consumer = new Thread(() -> consume(out, created, latencies, done));
    consumer.start();
    Thread.sleep(3000);
    Bundle bundle = BundleLoader.load(bundleDir);
    List<byte[][]> rows = encode(bundle, churnRecords(bundle, (int) (rate * latencySeconds)), format);
    Properties p = producerProps();
    Map<String, Object> before;
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
      before = client.getAccumulators().get();
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
    Map<String, Object> after = client.getAccumulators().get();
    client.cancel().get();
    double meanBatch = paced(before, after);
    long[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    System.out.printf("  latency %s %s at %.0f ev/s: %d samples%n", job, format.flag(), rate, sorted.length);
    if (sorted.length == 0) {
      return new Point(rate, Double.NaN, Double.NaN, 0, meanBatch);
    }
    return new Point(rate, sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
        sorted.length, meanBatch);
  }

  /** Mean batch of the paced part of a run: the accumulators' growth between two readings. */
  static double paced(Map<String, Object> before, Map<String, Object> after) {
    if (!(after.get(BatchStats.ROWS) instanceof Long rows) || !(after.get(BatchStats.BATCHES) instanceof Long batches)) {
      return Double.NaN;
    }
    long rows0 = before.get(BatchStats.ROWS) instanceof Long r ? r : 0;
    long batches0 = before.get(BatchStats.BATCHES) instanceof Long b ? b : 0;
    return batches == batches0 ? Double.NaN : (double) (rows - rows0) / (batches - batches0);
  }

  static List<byte[][]> encode(Bundle bundle, List<GenericData.Record> records, InputFormat format) {
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    String key = bundle.spec().key();
    List<byte[][]> out = new ArrayList<>(records.size());
    for (GenericData.Record r : records) {
      out.add(new byte[][] {r.get(key).toString().getBytes(StandardCharsets.UTF_8), format.encode(r, codec)});
    }
    return out;
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

  /** The churn example's good rows, cycled, with fresh customer ids. */
  List<GenericData.Record> churnRecords(Bundle bundle, int count) throws Exception {
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
    List<GenericData.Record> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      GenericData.Record rec = new GenericData.Record(base.get(i % base.size()), false);
      rec.put("customer_id", "U" + i);
      out.add(rec);
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
