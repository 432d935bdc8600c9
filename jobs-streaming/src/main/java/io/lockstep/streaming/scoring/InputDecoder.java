package io.lockstep.streaming.scoring;

import io.lockstep.avro.AvroBinaryDecoder;
import io.lockstep.avro.Decoded;
import io.lockstep.avro.JsonRecordDecoder;
import io.lockstep.avro.InputFormat;
import java.util.List;
import org.apache.avro.Schema;

/** Decodes Kafka values of one {@link InputFormat} against the input schema. Not thread-safe. */
public final class InputDecoder {
  private final InputFormat format;
  private final AvroBinaryDecoder avro;
  private final JsonRecordDecoder json;

  public InputDecoder(InputFormat format, Schema schema, List<String> extras) {
    this.format = format;
    this.avro = format == InputFormat.JSON ? null : new AvroBinaryDecoder(schema);
    this.json = format == InputFormat.JSON ? new JsonRecordDecoder(schema, extras) : null;
  }

  public Decoded decode(byte[] value) {
    if (value == null) {
      return Decoded.failed(io.lockstep.deadletter.Reason.undecodableRecord());
    }
    return switch (format) {
      case AVRO -> avro.decodeBinary(value);
      case AVRO_SINGLE -> avro.decodeSingleObject(value);
      case JSON -> json.decode(value);
    };
  }
}
