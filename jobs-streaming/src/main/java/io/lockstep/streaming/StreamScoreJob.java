package io.lockstep.streaming;

import io.lockstep.avro.PredictionSchema;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.lifecycle.ControlTopics;
import io.lockstep.kafka.KafkaPreflight;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.SchemaTopic;
import io.lockstep.streaming.scoring.FeatureVectorField;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level 3: scores a Kafka topic with a model bundle (docs/spec.md, Levels; CLI; Kafka). Parses
 * {@link StreamOptions}, prepares the environment and wires {@link ScoringTopology}; nothing else.
 * {@code java -jar lockstep-jobs-streaming.jar ...} runs it on a local MiniCluster,
 * {@code flink run lockstep-jobs-streaming.jar ...} on a cluster.
 */
public final class StreamScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(StreamScoreJob.class);
  private StreamScoreJob() {}

  public static void main(String[] args) throws Exception {
    StreamOptions options;
    try {
      options = StreamOptions.parse(args);
    } catch (StreamOptions.HelpRequested e) {
      System.out.print(StreamOptions.usage());
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("lockstep-stream: " + e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("{}", options.kafka().describe());
    try {
      // A wrong password or a missing truststore would otherwise fail the source and restart it forever.
      KafkaPreflight.check(options.bootstrap(), options.kafka());
    } catch (IllegalArgumentException e) {
      System.err.println("lockstep-stream: " + e.getMessage());
      System.exit(1);
      return;
    }
    environment(options).execute(options.jobName());
  }

  /**
   * File-system checkpoint storage. Flink's default keeps checkpoints in the JobManager's heap with a
   * 5 MiB cap: window state of a few thousand keys exceeds it, every checkpoint then fails and the
   * job restarts in a loop (measured: 10,000 keys, 6.1 MB). {@code --checkpoint-dir} wins, then the
   * cluster's {@code execution.checkpointing.dir}, then a local temporary directory.
   */
  static Configuration checkpointStorage(StreamOptions o, String clusterDir) {
    String dir = o.checkpointDir() != null ? o.checkpointDir() : clusterDir;
    if (dir == null) {
      dir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "lockstep-checkpoints", o.jobName()).toUri().toString();
    }
    Configuration c = new Configuration();
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    return c;
  }

  /** Submits the job without waiting for it (tests, benchmark). */
  public static JobClient start(StreamOptions options) throws Exception {
    return environment(options).executeAsync(options.jobName());
  }

  /** Submits the job with {@code beforeScoring} inserted ahead of the scoring operator (tests inject failures there). */
  public static JobClient start(StreamOptions options, UnaryOperator<DataStream<InputEvent>> beforeScoring) throws Exception {
    return environment(options, beforeScoring).executeAsync(options.jobName());
  }

  /** The environment with the scoring topology built in it, ready to execute. */
  public static StreamExecutionEnvironment environment(StreamOptions o) {
    return environment(o, UnaryOperator.identity());
  }

  private static StreamExecutionEnvironment environment(StreamOptions o, UnaryOperator<DataStream<InputEvent>> beforeScoring) {
    ShippedBundle bundleBytes = ShippedBundle.read(o.bundle());
    Bundle bundle = bundleBytes.load();
    Configuration conf = Loopback.bind(new Configuration());
    if (o.monitoring().prometheusPort() > 0) {
      io.lockstep.streaming.metrics.LoopbackPrometheusReporterFactory.configure(conf, o.monitoring().prometheusPort());
    }
    if (o.fromSavepoint() != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, o.fromSavepoint());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    if (o.hasParallelism()) {
      env.setParallelism(o.parallelism());
    }
    if (o.checkpointMillis() > 0) {
      env.enableCheckpointing(o.checkpointMillis(), CheckpointingMode.EXACTLY_ONCE);
      env.configure(checkpointStorage(o, env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
    }
    env.setBufferTimeout(o.bufferTimeoutMillis());
    // Records are never mutated after emission, so chained operators may pass them by reference.
    env.getConfig().enableObjectReuse();
    // The job's Kafka I/O, once, before the graph is wired (ScoringTopology.build does none).
    publishPredictionSchema(o, bundle);
    if (o.lifecycle().enabled()) {
      ControlTopics.ensure(o.bootstrap(), o.kafka(), o.lifecycle().controlTopic());
    }
    TopologyFacts facts = TopologyFacts.resolve(o, !bundle.spec().windowFeatures().isEmpty());
    ScoringTopology.build(env, o, bundleBytes, bundle, facts, beforeScoring);
    return env;
  }

  /** The prediction schema on {@code <output-topic>.schema}, for consumers such as {@code lockstep tail} (docs/spec.md, Kafka). */
  static void publishPredictionSchema(StreamOptions o, Bundle bundle) {
    Schema predictions = PredictionSchema.forBundle(bundle, o.keep(), true);
    Schema written = o.withFeatures() ? new FeatureVectorField(predictions).schema() : predictions;
    SchemaTopic.publish(o.bootstrap(), o.kafka(), o.outputTopic(), written);
    if (o.lifecycle().enabled()) {
      // A shadow writes the output's schema (a candidate with another one is rejected).
      SchemaTopic.publish(o.bootstrap(), o.kafka(), o.outputTopic() + ".shadow", written);
    }
  }
}
