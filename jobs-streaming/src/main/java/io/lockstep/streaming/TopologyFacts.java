package io.lockstep.streaming;

import java.util.OptionalInt;

/**
 * What the job asks the broker before it wires the graph, asked once by the job's main
 * ({@link StreamScoreJob}) so that {@link ScoringTopology#build} only wires operators and can be
 * built without a broker. Each fact may be unknown (topic not created yet, broker down): the
 * topology then falls back to what works without it.
 *
 * @param inputPartitions the input topic's partition count, or -1 when unknown; with window
 *     features the source runs at most at this parallelism (a source subtask without a partition
 *     would hold event time back)
 * @param deadLetterMessageLimit the dead-letter topic's {@code max.message.bytes}, when known
 */
public record TopologyFacts(int inputPartitions, OptionalInt deadLetterMessageLimit) {

  /** Nothing known: the source runs at the job's parallelism, dead letters fit the producer's limit. */
  public static TopologyFacts unknown() {
    return new TopologyFacts(-1, OptionalInt.empty());
  }

  /** Asks the broker (short timeouts; an unanswered question is logged and left unknown). */
  public static TopologyFacts resolve(StreamOptions o, boolean windows) {
    int partitions = windows ? TopicPartitions.count(o.bootstrap(), o.kafka(), o.inputTopic()) : -1;
    return new TopologyFacts(partitions, TopicMessageLimit.of(o.bootstrap(), o.kafka(), o.deadLetterTopic()));
  }
}
