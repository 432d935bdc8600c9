package io.lockstep.streaming;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.lifecycle.ControlTopics;
import io.lockstep.streaming.lifecycle.ControlRecordDeserializer;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.InputEventDeserializer;
import io.lockstep.streaming.kafka.KafkaInputSource;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.kafka.OutRecordSerializer;
import io.lockstep.streaming.kafka.DeadLetterSerializer;
import io.lockstep.streaming.scoring.DeadLetterEvent;
import io.lockstep.streaming.scoring.DeadLetters;
import io.lockstep.streaming.scoring.ScoringOperator;
import io.lockstep.streaming.scoring.ScoringSettings;
import io.lockstep.streaming.window.UnreadableRouter;
import io.lockstep.streaming.window.WindowFeatureFunction;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The scoring pipeline as a function of the environment and options, so tests and the benchmark
 * build exactly what the job runs:
 * <pre>
 * kafka-input ─► score ─► prediction-sink                     (no window features)
 * kafka-input ─► route-unreadable ─► keyBy(key) ─► window-features ─► score ─► prediction-sink
 *      every operator's dead letters ─► dlq-sink
 * with --control-topic, the scoring operator has a second, broadcast input:
 * control-input ─► (broadcast) ─► score ─► shadow-sink, shadow-stats-sink, status-sink
 * </pre>
 * Operator uids are stable: savepoints of one version restore into the next. Building does no I/O
 * (no broker, no ONNX session): the job's main resolves {@link TopologyFacts} and publishes the
 * prediction schema first, so the graph can be built and tested without a broker.
 */
public final class ScoringTopology {
  public static final String SOURCE_UID = "kafka-input";
  public static final String ROUTE_UID = "route-unreadable";
  public static final String WINDOW_UID = "window-features";
  public static final String SCORE_UID = "score";
  public static final String SINK_UID = "prediction-sink";
  public static final String DLQ_UID = "dlq-sink";
  public static final String DRIFT_UID = "drift-sink";
  public static final String CONTROL_UID = "control-input";
  public static final String SHADOW_UID = "shadow-sink";
  public static final String SHADOW_STATS_UID = "shadow-stats-sink";
  public static final String STATUS_UID = "status-sink";

  private ScoringTopology() {}

  public static void build(StreamExecutionEnvironment env, StreamOptions o, ShippedBundle bundleBytes, Bundle bundle,
                           TopologyFacts facts) {
    build(env, o, bundleBytes, bundle, facts, UnaryOperator.identity());
  }

  /**
   * The topology with {@code beforeScoring} applied to the stream the scoring operator reads. The job
   * passes the identity; tests insert a failing mapper there (failure injection lives in test code,
   * not in the job's options). Wiring only: what the broker knows comes in {@code facts}, the ORT
   * session opens in the scoring operator's {@code open()}.
   */
  public static void build(StreamExecutionEnvironment env, StreamOptions o, ShippedBundle bundleBytes, Bundle bundle,
                           TopologyFacts facts, UnaryOperator<DataStream<InputEvent>> beforeScoring) {
    boolean windows = !bundle.spec().windowFeatures().isEmpty();
    SingleOutputStreamOperator<InputEvent> read = env.fromSource(new KafkaInputSource<>(source(o, bundleBytes, windows)), watermarks(o, windows), SOURCE_UID)
        .uid(SOURCE_UID).name("Kafka " + o.inputTopic() + " (" + o.inputFormat().flag() + ")");
    DataStream<InputEvent> input = read;

    DataStream<DeadLetterEvent> deadLetters = null;
    if (windows) {
      SingleOutputStreamOperator<InputEvent> readable = input.process(new UnreadableRouter(o.deadLetterPolicy()))
          .uid(ROUTE_UID).name("route unreadable");
      int partitions = facts.inputPartitions();
      int parallelism = o.hasParallelism() ? o.parallelism() : env.getParallelism();
      if (partitions > 0 && parallelism > partitions) {
        // A source subtask without a partition emits no watermark and would hold event time back.
        // The router stays chained to the source: a rebalance between them would reorder a key's events.
        read.setParallelism(partitions);
        readable.setParallelism(partitions);
      }
      SingleOutputStreamOperator<InputEvent> windowed = readable
          .keyBy((KeySelector<InputEvent, String>) e -> e.entityKey, Types.STRING)
          .process(new WindowFeatureFunction(bundleBytes, o.deadLetterPolicy()), TypeInformation.of(InputEvent.class))
          .uid(WINDOW_UID).name("window features in event time");
      deadLetters = readable.getSideOutput(DeadLetters.TAG).union(windowed.getSideOutput(DeadLetters.TAG));
      input = windowed;
    }
    ScoringSettings settings = new ScoringSettings(o.inputFormat(), o.keep(), o.batchSize(), o.flushMillis(),
        o.withFeatures(), o.onnxThreads(), o.deadLetterPolicy(), o.monitoring().drift());
    SingleOutputStreamOperator<OutRecord> scored = o.lifecycle().enabled()
        ? scoreWithControl(env, o, beforeScoring.apply(input), new ScoringOperator(bundleBytes, settings, o.lifecycle().settings()), bundle)
        : beforeScoring.apply(input)
            .transform("score " + bundle.id(), TypeInformation.of(OutRecord.class), new ScoringOperator(bundleBytes, settings))
            .uid(SCORE_UID);
    DataStream<DeadLetterEvent> scoreDead = scored.getSideOutput(DeadLetters.TAG);
    deadLetters = deadLetters == null ? scoreDead : deadLetters.union(scoreDead);

    scored.sinkTo(sink(o, "predictions", new OutRecordSerializer(o.outputTopic()))).uid(SINK_UID).name("Kafka " + o.outputTopic());
    deadLetters.sinkTo(deadLetterSink(o, facts)).uid(DLQ_UID).name("Kafka " + o.deadLetterTopic());
    if (bundle.sha256().containsKey(Bundle.PROFILE_JSON)) {
      String driftTopic = o.monitoring().driftTopic(o.outputTopic());
      scored.getSideOutput(io.lockstep.streaming.scoring.DriftAlerts.TAG).sinkTo(sink(o, "drift", new OutRecordSerializer(driftTopic)))
          .uid(DRIFT_UID).name("Kafka " + driftTopic);
    }
  }

  /**
   * The scoring operator with the control topic broadcast to its second input, and the lifecycle's
   * outputs: shadow predictions, divergence summaries and answers (docs/spec.md, Model lifecycle).
   * The control source reads from the earliest offset (the topic is compacted: the latest command
   * per name); after a restore it resumes where the checkpoint was.
   */
  static SingleOutputStreamOperator<OutRecord> scoreWithControl(StreamExecutionEnvironment env, StreamOptions o,
                                                                DataStream<InputEvent> input, ScoringOperator op, Bundle bundle) {
    String controlTopic = o.lifecycle().controlTopic();
    KafkaSourceBuilder<InputEvent> b = KafkaSource.<InputEvent>builder()
        .setProperties(o.kafka().properties())
        .setBootstrapServers(o.bootstrap())
        .setTopics(controlTopic)
        .setGroupId(o.groupId() + "-control")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new ControlRecordDeserializer())
        .setProperty("client.id.prefix", o.groupId() + "-" + controlTopic);
    if (o.bounded()) {
      b.setBounded(OffsetsInitializer.latest());
    }
    DataStream<InputEvent> control = env.fromSource(b.build(), WatermarkStrategy.noWatermarks(), CONTROL_UID)
        .uid(CONTROL_UID).name("Kafka " + controlTopic + " (control)").setParallelism(1);
    SingleOutputStreamOperator<OutRecord> scored = input.connect(control.broadcast())
        .transform("score " + bundle.id(), TypeInformation.of(OutRecord.class), op)
        .uid(SCORE_UID);
    String shadow = o.outputTopic() + ".shadow";
    scored.getSideOutput(ScoringOperator.SHADOW).sinkTo(sink(o, "shadow", new OutRecordSerializer(shadow)))
        .uid(SHADOW_UID).name("Kafka " + shadow);
    String stats = o.outputTopic() + ".shadow-stats";
    scored.getSideOutput(ScoringOperator.SHADOW_STATS)
        .sinkTo(sink(o, "shadow-stats", new OutRecordSerializer(stats), DeliveryGuarantee.AT_LEAST_ONCE))
        .uid(SHADOW_STATS_UID).name("Kafka " + stats);
    String status = ControlTopics.statusTopic(controlTopic);
    // Answers are at-least-once whatever --delivery says: a client waits for them, not for a checkpoint.
    scored.getSideOutput(ScoringOperator.STATUS)
        .sinkTo(sink(o, "status", new OutRecordSerializer(status), DeliveryGuarantee.AT_LEAST_ONCE))
        .uid(STATUS_UID).name("Kafka " + status);
    return scored;
  }

  static KafkaSource<InputEvent> source(StreamOptions o, ShippedBundle bundleBytes, boolean windows) {
    // The user's client settings first: the builder's own settings below are the job's contract.
    KafkaSourceBuilder<InputEvent> b = KafkaSource.<InputEvent>builder()
        .setProperties(o.kafka().properties())
        .setBootstrapServers(o.bootstrap())
        .setTopics(o.inputTopic())
        .setGroupId(o.groupId())
        .setStartingOffsets(switch (o.startingOffsets()) {
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        })
        .setDeserializer(new InputEventDeserializer(bundleBytes, o.inputFormat(), windows))
        .setProperty("isolation.level", "read_committed")
        .setProperty("client.id.prefix", o.groupId() + "-" + o.inputTopic());
    if (o.bounded()) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  static WatermarkStrategy<InputEvent> watermarks(StreamOptions o, boolean windows) {
    if (!windows) {
      return WatermarkStrategy.noWatermarks();
    }
    // Records without an event time (dead-lettered downstream) must not move the watermark. A source
    // subtask with no partition (parallelism > partitions) or a quiet one would hold it back forever:
    // after --source-idle-ms without records it is marked idle.
    WatermarkStrategy<InputEvent> s = WatermarkStrategy.<InputEvent>forBoundedOutOfOrderness(o.outOfOrderness())
        .withTimestampAssigner((e, kafkaTs) -> e.eventTime);
    return o.sourceIdleMillis() > 0 ? s.withIdleness(java.time.Duration.ofMillis(o.sourceIdleMillis())) : s;
  }

  /**
   * The dead-letter sink: its serializer fits every dead letter under this producer's
   * {@code max.request.size} and, when the topic exists, under its {@code max.message.bytes}.
   */
  static KafkaSink<DeadLetterEvent> deadLetterSink(StreamOptions o, TopologyFacts facts) {
    int maxRecord = Integer.parseInt(producerConfig(o, "dlq").getProperty("max.request.size", "1048576").trim());
    OptionalInt topicLimit = facts.deadLetterMessageLimit();
    if (topicLimit.isPresent() && topicLimit.getAsInt() < maxRecord) {
      maxRecord = topicLimit.getAsInt();
    }
    return sink(o, "dlq", new DeadLetterSerializer(o.deadLetterTopic(), o.deadLetterPolicy().maxOriginalBytes(), maxRecord));
  }

  static <T> KafkaSink<T> sink(StreamOptions o, String role, KafkaRecordSerializationSchema<T> serializer) {
    return sink(o, role, serializer, o.delivery() == Delivery.EXACTLY_ONCE ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
  }

  static <T> KafkaSink<T> sink(StreamOptions o, String role, KafkaRecordSerializationSchema<T> serializer, DeliveryGuarantee guarantee) {
    return KafkaSink.<T>builder()
        .setBootstrapServers(o.bootstrap())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(guarantee)
        .setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + role)
        .setKafkaProducerConfig(producerConfig(o, role))
        .build();
  }

  static Properties producerConfig(StreamOptions o, String role) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("linger.ms", Integer.toString(o.sinkLingerMillis()));
    defaults.put("client.id", o.jobName() + "-" + role);
    if (o.delivery() == Delivery.EXACTLY_ONCE) {
      // Below the broker's transaction.max.timeout.ms (15 min by default), above any checkpoint.
      defaults.put("transaction.timeout.ms", "600000");
    }
    // The user's settings (security, and tuning such as compression) override the job's defaults.
    return o.kafka().over(defaults, Map.of("bootstrap.servers", o.bootstrap()));
  }
}
