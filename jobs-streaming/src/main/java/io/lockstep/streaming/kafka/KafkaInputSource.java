package io.lockstep.streaming.kafka;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Flink's {@link KafkaSource}, with this job's boundedness applied to restored splits too (issue 11
 * item 2: {@code --bounded} was ignored after a restore). The Kafka source gets two things wrong
 * there, and a job restored with {@code --bounded} from an unbounded job's savepoint ran forever:
 * <ol>
 *   <li>it resolves stopping offsets only for splits its enumerator creates; a restored split keeps
 *       the one stored with it (none, from an unbounded job);</li>
 *   <li>its enumerator tells readers "no more splits" only after a discovery that found new
 *       partitions; a restored enumerator that finds none never does, and a bounded reader waits for
 *       that signal before it finishes.</li>
 * </ol>
 * Here every split a reader gets follows the job's boundedness:
 * <ul>
 *   <li>bounded: a split without a stopping offset stops at the partition's end offset when the
 *       reader gets the split, i.e. when the job starts ({@link KafkaPartitionSplit#LATEST_OFFSET});
 *       a split that has one (this bounded run's, restored after a failure) keeps it;</li>
 *   <li>unbounded: no split has a stopping offset.</li>
 * </ul>
 * Splits, their serializer and the enumerator are the Kafka source's own, so savepoints of the plain
 * Kafka source restore into this one and back.
 */
public final class KafkaInputSource<T> implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  private final KafkaSource<T> kafka;

  public KafkaInputSource(KafkaSource<T> kafka) {
    this.kafka = kafka;
  }

  @Override
  public Boundedness getBoundedness() {
    return kafka.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
    return new BoundsFollowingReader<>(kafka.createReader(context), getBoundedness() == Boundedness.BOUNDED);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(SplitEnumeratorContext<KafkaPartitionSplit> context) {
    return kafka.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
    if (getBoundedness() != Boundedness.BOUNDED) {
      return kafka.restoreEnumerator(context, state);
    }
    DiscoveryWatchingContext watching = new DiscoveryWatchingContext(context);
    return new NoMoreSplitsAfterDiscovery(kafka.restoreEnumerator(watching, state), watching);
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return kafka.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return kafka.getEnumeratorCheckpointSerializer();
  }

  @Override
  public java.util.Set<? extends org.apache.flink.api.common.watermark.WatermarkDeclaration> declareWatermarks() {
    return kafka.declareWatermarks();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return kafka.getProducedType();
  }

  /** {@code split} with the stopping offset this job's boundedness asks for. */
  public static KafkaPartitionSplit withBounds(KafkaPartitionSplit split, boolean bounded) {
    boolean stops = split.getStoppingOffset().isPresent();
    if (bounded && !stops) {
      return new KafkaPartitionSplit(split.getTopicPartition(), split.getStartingOffset(), KafkaPartitionSplit.LATEST_OFFSET);
    }
    if (!bounded && stops) {
      return new KafkaPartitionSplit(split.getTopicPartition(), split.getStartingOffset(), KafkaPartitionSplit.NO_STOPPING_OFFSET);
    }
    return split;
  }

  /**
   * Watches the restored enumerator's first partition discovery (its first {@code callAsync}). When
   * the discovery's handler returns without starting the next step (no new partition: Kafka's
   * enumerator returns early and signals nothing), no split will ever come: every registered reader
   * is told so. When it found new partitions, Kafka's enumerator signals by itself.
   * Coordinator thread only, like the enumerator.
   */
  private static final class DiscoveryWatchingContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
    private final SplitEnumeratorContext<KafkaPartitionSplit> context;
    private int asyncCalls;
    private boolean discoveredNothingNew;

    DiscoveryWatchingContext(SplitEnumeratorContext<KafkaPartitionSplit> context) {
      this.context = context;
    }

    boolean discoveredNothingNew() {
      return discoveredNothingNew;
    }

    @Override
    public <V> void callAsync(java.util.concurrent.Callable<V> callable, java.util.function.BiConsumer<V, Throwable> handler) {
      boolean discovery = asyncCalls++ == 0;
      context.callAsync(callable, (result, error) -> {
        int before = asyncCalls;
        handler.accept(result, error);
        if (discovery && error == null && asyncCalls == before) {
          discoveredNothingNew = true;
          context.registeredReaders().keySet().forEach(context::signalNoMoreSplits);
        }
      });
    }

    @Override
    public <V> void callAsync(java.util.concurrent.Callable<V> callable, java.util.function.BiConsumer<V, Throwable> handler,
                              long initialDelay, long period) {
      asyncCalls++;
      context.callAsync(callable, handler, initialDelay, period);
    }

    @Override
    public org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup metricGroup() {
      return context.metricGroup();
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
      context.sendEventToSourceReader(subtaskId, event);
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
      context.sendEventToSourceReader(subtaskId, attemptNumber, event);
    }

    @Override
    public int currentParallelism() {
      return context.currentParallelism();
    }

    @Override
    public java.util.Map<Integer, org.apache.flink.api.connector.source.ReaderInfo> registeredReaders() {
      return context.registeredReaders();
    }

    @Override
    public java.util.Map<Integer, java.util.Map<Integer, org.apache.flink.api.connector.source.ReaderInfo>> registeredReadersOfAttempts() {
      return context.registeredReadersOfAttempts();
    }

    @Override
    public void assignSplits(org.apache.flink.api.connector.source.SplitsAssignment<KafkaPartitionSplit> assignment) {
      context.assignSplits(assignment);
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
      context.signalNoMoreSplits(subtask);
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
      context.runInCoordinatorThread(runnable);
    }

    @Override
    public void setIsProcessingBacklog(boolean isProcessingBacklog) {
      context.setIsProcessingBacklog(isProcessingBacklog);
    }
  }

  /** The restored Kafka enumerator; a reader that registers after an empty discovery is told "no more splits". */
  private static final class NoMoreSplitsAfterDiscovery implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
    private final DiscoveryWatchingContext context;

    NoMoreSplitsAfterDiscovery(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator, DiscoveryWatchingContext context) {
      this.enumerator = enumerator;
      this.context = context;
    }

    @Override
    public void addReader(int subtaskId) {
      enumerator.addReader(subtaskId);
      if (context.discoveredNothingNew()) {
        context.signalNoMoreSplits(subtaskId);
      }
    }

    @Override
    public void start() {
      enumerator.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
      enumerator.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
      enumerator.addSplitsBack(splits, subtaskId);
    }

    @Override
    public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
      return enumerator.snapshotState(checkpointId);
    }

    @Override
    public void close() throws java.io.IOException {
      enumerator.close();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      enumerator.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
      enumerator.handleSourceEvent(subtaskId, event);
    }
  }

  /** The Kafka source's reader; only {@link #addSplits} differs. */
  private static final class BoundsFollowingReader<T> implements SourceReader<T, KafkaPartitionSplit> {
    private final SourceReader<T, KafkaPartitionSplit> reader;
    private final boolean bounded;

    BoundsFollowingReader(SourceReader<T, KafkaPartitionSplit> reader, boolean bounded) {
      this.reader = reader;
      this.bounded = bounded;
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
      reader.addSplits(splits.stream().map(s -> withBounds(s, bounded)).toList());
    }

    @Override
    public void start() {
      reader.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
      return reader.pollNext(output);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
      return reader.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return reader.isAvailable();
    }

    @Override
    public void notifyNoMoreSplits() {
      reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
      reader.handleSourceEvents(event);
    }

    @Override
    public void pauseOrResumeSplits(java.util.Collection<String> toPause, java.util.Collection<String> toResume) {
      reader.pauseOrResumeSplits(toPause, toResume);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
      reader.close();
    }
  }
}
