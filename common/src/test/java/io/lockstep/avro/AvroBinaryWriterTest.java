package io.lockstep.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** {@link AvroBinaryWriter} writes what Avro's own {@code BinaryEncoder} writes, value for value. */
class AvroBinaryWriterTest {

  @Test
  void randomValuesEncodeByteForByteAsAvrosBinaryEncoder() throws Exception {
    Random random = new Random(16);
    long[] edgeLongs = {0, 1, -1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
    float[] edgeFloats = {0f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1.5f};
    double[] edgeDoubles = {0d, -0d, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L), Double.NEGATIVE_INFINITY, 1e-310};
    String[] edgeStrings = {"", "a", "ü", "日本", "😀", "x".repeat(300)};
    AvroBinaryWriter writer = new AvroBinaryWriter(1);
    for (int round = 0; round < 2_000; round++) {
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      BinaryEncoder avro = EncoderFactory.get().binaryEncoder(expected, null);
      writer.reset();
      for (int i = 0; i < 20; i++) {
        switch (random.nextInt(8)) {
          case 0 -> {
            long v = random.nextBoolean() ? edgeLongs[random.nextInt(edgeLongs.length)] : random.nextLong() >> random.nextInt(64);
            avro.writeLong(v);
            writer.writeLong(v);
          }
          case 1 -> {
            int v = random.nextBoolean() ? (int) edgeLongs[random.nextInt(edgeLongs.length)] : random.nextInt() >> random.nextInt(32);
            avro.writeInt(v);
            writer.writeInt(v);
          }
          case 2 -> {
            float v = random.nextBoolean() ? edgeFloats[random.nextInt(edgeFloats.length)] : Float.intBitsToFloat(random.nextInt());
            avro.writeFloat(v);
            writer.writeFloat(v);
          }
          case 3 -> {
            double v = random.nextBoolean() ? edgeDoubles[random.nextInt(edgeDoubles.length)] : Double.longBitsToDouble(random.nextLong());
            avro.writeDouble(v);
            writer.writeDouble(v);
          }
          case 4 -> {
            boolean v = random.nextBoolean();
            avro.writeBoolean(v);
            writer.writeBoolean(v);
          }
          case 5 -> {
            String v = edgeStrings[random.nextInt(edgeStrings.length)] + random.nextInt(1000);
            avro.writeString(v);
            writer.writeString(v);
          }
          case 6 -> {
            Utf8 v = new Utf8(edgeStrings[random.nextInt(edgeStrings.length)]);
            avro.writeString(v);
            writer.writeString(v);
          }
          default -> {
            byte[] v = new byte[random.nextInt(40)];
            random.nextBytes(v);
            avro.writeBytes(v, 0, v.length);
            writer.writeBytes(v, 0, v.length);
          }
        }
      }
      avro.flush();
      assertThat(writer.toByteArray()).as("round %d", round).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void aUtf8WhoseArrayIsLargerThanItsLengthWritesOnlyItsBytes() throws Exception {
    byte[] big = new byte[64];
    big[0] = 'a';
    big[1] = 'b';
    big[2] = 'c';
    Utf8 u = new Utf8(big).setByteLength(3);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    BinaryEncoder avro = EncoderFactory.get().binaryEncoder(expected, null);
    avro.writeString(u);
    avro.flush();
    AvroBinaryWriter writer = new AvroBinaryWriter(4);
    writer.writeString(u);
    assertThat(writer.toByteArray()).isEqualTo(expected.toByteArray()).hasSize(4);
  }
}
