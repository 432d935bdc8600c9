package io.lockstep.streaming;

/**
 * Delivery guarantee of the prediction and dead-letter sinks. Exactly-once writes in Kafka
 * transactions committed on checkpoints, so consumers must read with {@code isolation.level=read_committed}
 * and see outputs one checkpoint interval late; at-least-once flushes on checkpoints and may repeat
 * records after a failure, but adds no latency.
 */
public enum Delivery {
  AT_LEAST_ONCE("at-least-once"),
  EXACTLY_ONCE("exactly-once");

  private final String flag;

  Delivery(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  public static Delivery parse(String text) {
    for (Delivery d : values()) {
      if (d.flag.equalsIgnoreCase(text.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException("--delivery must be exactly-once or at-least-once, got '" + text + "'");
  }
}
