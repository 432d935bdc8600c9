package io.lockstep.streaming.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.deadletter.Reason;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The typed reason must not cost {@link InputEvent} its cheap POJO serializer (no Kryo fallback). */
class InputEventTypeTest {

  @Test
  void inputEventWithTypedReasonStaysAFlinkPojoAndRoundTrips() throws Exception {
    TypeInformation<InputEvent> info = TypeInformation.of(InputEvent.class);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    PojoTypeInfo<InputEvent> pojo = (PojoTypeInfo<InputEvent>) info;
    TypeInformation<?> reasonType = pojo.getTypeAt(pojo.getFieldIndex("reason"));
    assertThat(reasonType).isNotInstanceOf(GenericTypeInfo.class);

    TypeSerializer<InputEvent> serializer = info.createSerializer(new SerializerConfigImpl());
    InputEvent e = new InputEvent(new byte[] {1}, new byte[] {2}, "t", 0, 7, 11);
    e.reason = Reason.missing("time");
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(e, out);
    InputEvent back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back.reason).isEqualTo(Reason.missing("time"));

    InputEvent ok = new InputEvent(new byte[] {1}, new byte[] {2}, "t", 0, 8, 12);
    out.clear();
    serializer.serialize(ok, out);
    assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())).reason).isNull();
  }
}
