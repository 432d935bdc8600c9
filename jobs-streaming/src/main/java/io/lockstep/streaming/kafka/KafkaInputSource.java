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
 * Flink's {@link KafkaSource}, with this job's boundedness applied to every split a reader gets,
 * restored ones included. The Kafka source resolves {@code --bounded}'s stopping offsets only for
 * splits its enumerator creates; a split restored from a savepoint keeps the stopping offset stored
 * with it, so a job restored with {@code --bounded} from an unbounded job's savepoint ran forever,
 * and one restored without it from a bounded job's savepoint stopped reading. Here:
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
    return kafka.restoreEnumerator(context, state);
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
