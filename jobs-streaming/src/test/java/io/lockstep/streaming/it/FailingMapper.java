package io.lockstep.streaming.it;

import io.lockstep.streaming.kafka.InputEvent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Failure injection, in test code only (as Flink's own KafkaSinkITCase does): the first attempt of
 * each subtask passes {@code failAfter} records on to the scoring operator, then throws. Chained to
 * the scoring operator, so the failure takes down the task that holds its buffered batch.
 */
final class FailingMapper extends RichMapFunction<InputEvent, InputEvent> {
  /** Failures thrown in this JVM (tests on a MiniCluster read it). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  private final long failAfter;
  private transient boolean armed;
  private transient long seen;

  private FailingMapper(long failAfter) {
    this.failAfter = failAfter;
  }

  /** The stage to pass as {@code beforeScoring}. */
  static UnaryOperator<DataStream<InputEvent>> after(long records) {
    return in -> in.map(new FailingMapper(records)).uid("test-failing-mapper").name("fail after " + records);
  }

  @Override
  public void open(OpenContext context) {
    armed = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
  }

  @Override
  public InputEvent map(InputEvent e) {
    if (armed && ++seen > failAfter) {
      FAILURES.incrementAndGet();
      throw new IllegalStateException("injected failure after " + failAfter + " records");
    }
    return e;
  }
}
