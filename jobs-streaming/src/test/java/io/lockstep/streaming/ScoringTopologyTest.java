package io.lockstep.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.ShippedBundle;
import io.lockstep.golden.GoldenFixture;
import java.util.List;
import java.util.OptionalInt;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The topology is built without a broker (nothing listens on the bootstrap address) and without an
 * ONNX session: building only wires operators, with what the broker knows passed in as facts.
 */
class ScoringTopologyTest {
  static final String NO_BROKER = "127.0.0.1:1";

  @Test
  void rowFeaturesWireSourceScoreAndSinksWithStableUids() {
    StreamGraph g = build("lr", TopologyFacts.unknown(), 2);
    assertThat(uids(g)).filteredOn(u -> !u.startsWith("Sink Committer")).containsExactlyInAnyOrder(ScoringTopology.SOURCE_UID, ScoringTopology.SCORE_UID,
        ScoringTopology.SINK_UID, ScoringTopology.DLQ_UID);
  }

  @Test
  void windowFeaturesRunTheSourceAtMostAtTheInputsPartitionCount() {
    StreamGraph g = build("windows", new TopologyFacts(1, OptionalInt.of(1_000_000)), 2);
    assertThat(uids(g)).contains(ScoringTopology.ROUTE_UID, ScoringTopology.WINDOW_UID);
    assertThat(node(g, ScoringTopology.SOURCE_UID).getParallelism()).isEqualTo(1);
    assertThat(node(g, ScoringTopology.SCORE_UID).getParallelism()).isEqualTo(2);

    StreamGraph unknown = build("windows", TopologyFacts.unknown(), 2);
    assertThat(node(unknown, ScoringTopology.SOURCE_UID).getParallelism()).as("partition count unknown").isEqualTo(2);
  }

  @Test
  void aControlTopicAddsItsSourceAndTheLifecycleSinksAndKeepsTheScoringUid() {
    StreamGraph g = build("lr", TopologyFacts.unknown(), 2, "--control-topic", "ctl");
    assertThat(uids(g)).filteredOn(u -> !u.startsWith("Sink Committer")).containsExactlyInAnyOrder(ScoringTopology.SOURCE_UID,
        ScoringTopology.CONTROL_UID, ScoringTopology.SCORE_UID, ScoringTopology.SINK_UID, ScoringTopology.DLQ_UID,
        ScoringTopology.SHADOW_UID, ScoringTopology.SHADOW_STATS_UID, ScoringTopology.STATUS_UID);
    assertThat(node(g, ScoringTopology.CONTROL_UID).getParallelism()).isEqualTo(1);
    assertThat(node(g, ScoringTopology.SCORE_UID).getInEdges()).hasSize(2);
  }

  static StreamGraph build(String fixture, TopologyFacts facts, int parallelism, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--bundle", GoldenFixture.of(fixture).bundle().toString(), "--bootstrap", NO_BROKER,
        "--input-topic", "in", "--output-topic", "out", "--parallelism", Integer.toString(parallelism)));
    args.addAll(List.of(more));
    StreamOptions o = StreamOptions.parse(args.toArray(String[]::new));
    ShippedBundle bytes = ShippedBundle.read(o.bundle());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    ScoringTopology.build(env, o, bytes, bytes.load(), facts);
    return env.getStreamGraph();
  }

  static List<String> uids(StreamGraph g) {
    return g.getStreamNodes().stream().map(StreamNode::getTransformationUID).toList();
  }

  static StreamNode node(StreamGraph g, String uid) {
    return g.getStreamNodes().stream().filter(n -> uid.equals(n.getTransformationUID())).findFirst().orElseThrow();
  }
}
