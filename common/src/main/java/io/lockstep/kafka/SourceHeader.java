package io.lockstep.kafka;

/**
 * The Kafka header that names the input record ({@code topic/partition/offset}) an output of the
 * streaming job came from: the job writes it on every prediction and dead letter, {@code lockstep
 * tail} turns it into the {@code _source} column that {@code lockstep verify} joins on.
 */
public final class SourceHeader {
  public static final String NAME = "lockstep.source";

  private SourceHeader() {}
}
