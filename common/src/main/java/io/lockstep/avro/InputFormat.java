package io.lockstep.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;

/**
 * How input Kafka values are encoded (docs/spec.md, Kafka, {@code --input-format}): one definition for the
 * streaming job that decodes them and {@code lockstep produce} that writes them.
 */
public enum InputFormat {
  /** Avro binary against the bundle's {@code input.avsc} (the default). */
  AVRO("avro"),
  /** Avro single-object encoding: {@code C3 01}, schema fingerprint, Avro binary. */
  AVRO_SINGLE("avro-single"),
  /** One plain JSON object per value (docs/spec.md, Reading inputs JSON rules). */
  JSON("json");

  private final String flag;

  InputFormat(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  /** Parses a flag value; {@code avro-single-object} is accepted as a synonym of {@code avro-single}. */
  public static InputFormat parse(String text) {
    String t = text.trim().toLowerCase();
    if (t.equals("avro-single-object")) {
      return AVRO_SINGLE;
    }
    for (InputFormat f : values()) {
      if (f.flag.equals(t)) {
        return f;
      }
    }
    throw new IllegalArgumentException("--input-format must be one of "
        + Arrays.stream(values()).map(InputFormat::flag).collect(Collectors.joining(", ")) + ", got '" + text + "'");
  }

  /** A record of the input schema as a value of this encoding. */
  public byte[] encode(GenericRecord record, AvroCodec codec) {
    return switch (this) {
      case AVRO -> codec.binary(record);
      case AVRO_SINGLE -> codec.singleObject(record);
      case JSON -> PlainJson.toJson(record).getBytes(StandardCharsets.UTF_8);
    };
  }
}
