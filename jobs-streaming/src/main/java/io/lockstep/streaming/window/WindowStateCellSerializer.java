package io.lockstep.streaming.window;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link WindowStateCell} as a length-prefixed {@code KeyWindowState} byte string: the
 * compact format of {@code common}, so savepoints hold exactly what the aggregators define and
 * need no Kryo. A copy is a byte snapshot, which keeps the heap backend's copy-on-write
 * checkpoints consistent while the live state moves on.
 */
public final class WindowStateCellSerializer extends TypeSerializer<WindowStateCell> {
  private static final long serialVersionUID = 1L;
  public static final WindowStateCellSerializer INSTANCE = new WindowStateCellSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<WindowStateCell> duplicate() {
    return this;
  }

  @Override
  public WindowStateCell createInstance() {
    return new WindowStateCell();
  }

  @Override
  public WindowStateCell copy(WindowStateCell from) {
    return new WindowStateCell(from.toBytes());
  }

  @Override
  public WindowStateCell copy(WindowStateCell from, WindowStateCell reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(WindowStateCell cell, DataOutputView target) throws IOException {
    byte[] b = cell.toBytes();
    target.writeInt(b.length);
    target.write(b);
  }

  @Override
  public WindowStateCell deserialize(DataInputView source) throws IOException {
    byte[] b = new byte[source.readInt()];
    source.readFully(b);
    return new WindowStateCell(b);
  }

  @Override
  public WindowStateCell deserialize(WindowStateCell reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int n = source.readInt();
    target.writeInt(n);
    target.write(source, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WindowStateCellSerializer;
  }

  @Override
  public int hashCode() {
    return WindowStateCellSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<WindowStateCell> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only records its class. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowStateCell> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
