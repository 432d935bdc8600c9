package io.lockstep.streaming.bench;

import io.lockstep.avro.AvroCodec;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.lifecycle.ControlClient;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.lifecycle.ControlTopics;
import io.lockstep.streaming.StreamOptions;
import io.lockstep.streaming.StreamScoreJob;
import io.lockstep.streaming.it.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericData;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The model lifecycle under a steady load, in one run against a real broker and a local
 * MiniCluster (parallelism 2, 2 partitions, golden {@code lr} v1 and v2): records are produced at
 * {@code RATE} ev/s for the whole run while the control topic gets, in turn, a deploy of v2 as
 * primary (load + warm + swap), a rollback, a deploy of v2 as a 10% canary and a promote. It prints,
 * per phase, the throughput of predictions and the p50/p99/max end-to-end latency (input create
 * time to receipt by a consumer), so a swap is compared with the steady state before it, and for
 * each command the time from its record's create time on the control topic (an upper bound of when
 * the job read it) to each subtask's {@code active} answer (when it took effect).
 *
 * <p>Run (after {@code mvn -DskipTests package} and {@code mvn -pl jobs-streaming test-compile}):
 * {@code java -cp "jobs-streaming/target/test-classes:jobs-streaming/target/classes:$(cat jobs-streaming/target/test.classpath)" io.lockstep.streaming.bench.SwapBench [RATE] [PHASE_SECONDS]}
 */
public final class SwapBench {
  static final Path V1 = GoldenFixture.of("lr").bundle();
  static final Path V2 = GoldenFixture.of("lr").dir().resolve("candidate/bundle");

  private final KafkaBroker kafka = KafkaBroker.shared();
  private final int rate;
  private final int phaseSeconds;
  /** Input create time by key (every record has its own key). */
  private final Map<String, Long> created = new ConcurrentHashMap<>();
  /** (receipt time, latency) of every prediction. */
  private final List<long[]> received = Collections.synchronizedList(new ArrayList<>());

  SwapBench(int rate, int phaseSeconds) {
    this.rate = rate;
    this.phaseSeconds = phaseSeconds;
  }

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int phase = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    new SwapBench(rate, phase).run();
    System.exit(0);
  }

  void run() throws Exception {
    String in = "swapbench-" + Long.toHexString(System.nanoTime());
    String out = in + "-predictions";
    String control = in + "-control";
    kafka.createTopics(2, in, out, out + ".dlq", out + ".shadow");
    ControlTopics.ensure(kafka.bootstrap(), kafka.clientSettings(), control);
    JobClient job = StreamScoreJob.start(StreamOptions.parse("--bundle", V1.toString(), "--bootstrap", kafka.bootstrap(),
        "--input-topic", in, "--output-topic", out, "--control-topic", control, "--starting-offsets", "latest",
        "--parallelism", "2", "--checkpoint-ms", "10000"));
    AtomicBoolean done = new AtomicBoolean();
    Thread consumer = new Thread(() -> consume(out, done), "swapbench-consumer");
    consumer.start();
    Bundle v1 = BundleLoader.load(V1);
    Thread producer = new Thread(() -> produce(in, v1, done), "swapbench-producer");
    ControlClient client = new ControlClient(kafka.bootstrap(), control, kafka.clientSettings());
    List<String[]> phases = new ArrayList<>();
    List<String> effects = new ArrayList<>();
    try {
      Thread.sleep(5_000); // the job's sources start at "latest": let them be assigned before the first record
      producer.start();
      long t0 = System.currentTimeMillis();
      phases.add(new String[] {"warm-up", Long.toString(t0)});
      pause(t0, phaseSeconds);
      phases.add(new String[] {"steady v1", Long.toString(System.currentTimeMillis())});
      pause(t0, 2L * phaseSeconds);
      command(client, "deploy v2 primary", ControlCommand.deploy("golden-lr", V2.toString(), BundleLoader.load(V2).identity(),
          ControlCommand.Mode.PRIMARY, null), phases, effects);
      pause(t0, 3L * phaseSeconds);
      phases.add(new String[] {"steady v2", Long.toString(System.currentTimeMillis())});
      pause(t0, 4L * phaseSeconds);
      command(client, "rollback", ControlCommand.of("golden-lr", ControlCommand.Kind.ROLLBACK), phases, effects);
      pause(t0, 5L * phaseSeconds);
      command(client, "deploy v2 canary 10%", ControlCommand.deploy("golden-lr", V2.toString(), BundleLoader.load(V2).identity(),
          ControlCommand.Mode.CANARY, 10.0), phases, effects);
      pause(t0, 6L * phaseSeconds);
      command(client, "promote", ControlCommand.of("golden-lr", ControlCommand.Kind.PROMOTE), phases, effects);
      pause(t0, 7L * phaseSeconds);
      phases.add(new String[] {"end", Long.toString(System.currentTimeMillis())});
    } finally {
      done.set(true);
      producer.join();
      Thread.sleep(2_000);
      consumer.join();
      job.cancel().get();
    }
    report(phases, effects);
    reloadMemory();
  }

  /**
   * Reload memory, in the same run: {@code lockstep bench reload --swaps 1000} in a fresh JVM, as a
   * user runs it (it lives in jobs-batch, next to the CLI), its lines printed as they come.
   */
  private static void reloadMemory() throws Exception {
    Path cli = Path.of("bin", "lockstep");
    if (!java.nio.file.Files.isExecutable(cli)) {
      System.out.println("reload memory: skipped, run from the repository root (bin/lockstep not found)");
      return;
    }
    // The settings docs/operations.md gives a task manager that swaps often: a fixed, pre-touched heap
    // (else RSS measures the heap growing into -Xmx, not native memory) and at most 2 glibc arenas.
    ProcessBuilder b = new ProcessBuilder(cli.toString(), "bench", "reload", "--swaps", "1000").redirectErrorStream(true).inheritIO();
    b.environment().put("LOCKSTEP_JAVA_OPTS", "-Xms256m -Xmx256m -XX:+AlwaysPreTouch");
    b.environment().put("MALLOC_ARENA_MAX", "2");
    System.out.println("reload memory: MALLOC_ARENA_MAX=2 LOCKSTEP_JAVA_OPTS=\"-Xms256m -Xmx256m -XX:+AlwaysPreTouch\" bin/lockstep bench reload --swaps 1000");
    System.out.println("reload memory: exited " + b.start().waitFor());
  }

  private static void pause(long t0, long untilSeconds) throws InterruptedException {
    long wait = t0 + untilSeconds * 1_000 - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private void command(ControlClient client, String label, ControlCommand c, List<String[]> phases, List<String> effects) {
    long sent = System.currentTimeMillis();
    phases.add(new String[] {label + " (+" + 3 + " s)", Long.toString(sent), Long.toString(sent + 3_000)});
    phases.add(new String[] {"after " + label, Long.toString(sent + 3_000)});
    ControlClient.Answer a = client.send(c, Duration.ofSeconds(60));
    long commandTime = commandCreateTime(client, c);
    List<ControlStatus> active = awaitActive(client.statusTopic(), c.id(), a.subtasks());
    StringBuilder b = new StringBuilder(String.format("%-22s %-9s", label, a.outcome()));
    for (ControlStatus s : active) {
      b.append(String.format("  subtask %d active after %d ms", s.subtask(), Instant.parse(s.at()).toEpochMilli() - commandTime));
    }
    effects.add(b.toString());
  }

  /** The create time of the command's record on the control topic. */
  private long commandCreateTime(ControlClient client, ControlCommand c) {
    String control = client.statusTopic().substring(0, client.statusTopic().length() - ".status".length());
    for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(control, 1, Duration.ofSeconds(5))) {
      if (new String(r.value(), StandardCharsets.UTF_8).contains(c.id())) {
        return r.timestamp();
      }
    }
    throw new IllegalStateException("command " + c.id() + " not on the control topic");
  }

  private List<ControlStatus> awaitActive(String statusTopic, String id, int subtasks) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      List<ControlStatus> active = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(statusTopic, 0, Duration.ofSeconds(1))) {
        ControlStatus s = ControlStatus.parse(r.value());
        if (id.equals(s.id()) && s.status() == ControlStatus.State.ACTIVE) {
          active.add(s);
        }
      }
      if (active.size() >= subtasks) {
        return active;
      }
    }
    throw new IllegalStateException("no active answer to " + id + " from " + subtasks + " subtasks within 60 s");
  }

  private void produce(String topic, Bundle bundle, AtomicBoolean done) {
    AvroCodec codec = new AvroCodec(bundle.inputSchema());
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("linger.ms", "0");
    p.put("acks", "1");
    long intervalNanos = 1_000_000_000L / rate;
    long next = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; !done.get(); i++) {
        String key = "K" + i;
        GenericData.Record r = customer(bundle, key, i);
        long now = System.currentTimeMillis();
        created.put(key, now);
        producer.send(new ProducerRecord<>(topic, (int) (i % 2), now, key.getBytes(StandardCharsets.UTF_8), codec.binary(r)));
        next += intervalNanos;
        LockSupport.parkNanos(next - System.nanoTime());
      }
    }
  }

  static GenericData.Record customer(Bundle bundle, String id, long i) {
    GenericData.Record r = new GenericData.Record(bundle.inputSchema());
    r.put("customer_id", id);
    r.put("tenure_months", (int) (i % 72));
    r.put("monthly_charges", 20.0 + i % 90);
    r.put("total_charges", 100.0 + i % 5_000);
    r.put("support_calls", (int) (i % 7));
    r.put("days_since_login", (double) (i % 40));
    r.put("discount_pct", (float) (i % 30));
    r.put("country", "US");
    r.put("age", 20 + (int) (i % 60));
    r.put("paperless_billing", i % 2 == 0);
    return r;
  }

  private void consume(String topic, AtomicBoolean done) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrap());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      c.assign(parts);
      c.seekToBeginning(parts);
      long quietUntil = Long.MAX_VALUE;
      while (System.currentTimeMillis() < quietUntil) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
          long now = System.currentTimeMillis();
          Long t = created.get(new String(r.key(), StandardCharsets.UTF_8));
          if (t != null) {
            received.add(new long[] {now, now - t});
          }
        }
        if (done.get() && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.currentTimeMillis() + 1_500;
        }
      }
    }
  }

  private void report(List<String[]> phases, List<String> effects) {
    System.out.printf("SwapBench: %d ev/s, parallelism 2, golden lr v1/v2, %d predictions received of %d produced%n",
        rate, received.size(), created.size());
    System.out.printf("%-30s %8s %10s %8s %8s %8s%n", "phase", "seconds", "pred/s", "p50 ms", "p99 ms", "max ms");
    List<long[]> all = new ArrayList<>(received);
    for (int i = 0; i < phases.size(); i++) {
      String[] ph = phases.get(i);
      if (ph[0].equals("end")) {
        continue;
      }
      long from = Long.parseLong(ph[1]);
      long to = ph.length > 2 ? Long.parseLong(ph[2]) : nextStart(phases, i);
      List<Long> lat = new ArrayList<>();
      for (long[] r : all) {
        if (r[0] >= from && r[0] < to) {
          lat.add(r[1]);
        }
      }
      Collections.sort(lat);
      double seconds = (to - from) / 1000.0;
      System.out.printf("%-30s %8.1f %10.0f %8d %8d %8d%n", ph[0], seconds, lat.size() / seconds, pct(lat, 0.50), pct(lat, 0.99),
          lat.isEmpty() ? -1 : lat.get(lat.size() - 1));
    }
    System.out.println("command                outcome   effect (active answer time - command record create time)");
    effects.forEach(System.out::println);
  }

  private static long nextStart(List<String[]> phases, int i) {
    for (int j = i + 1; j < phases.size(); j++) {
      if (phases.get(j).length == 2) {
        return Long.parseLong(phases.get(j)[1]);
      }
    }
    return Long.MAX_VALUE;
  }

  private static long pct(List<Long> sorted, double q) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
