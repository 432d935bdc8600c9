package io.lockstep.avro;

import org.apache.avro.generic.GenericData;

/**
 * The outcome of decoding one raw input: a record of the bundle's input schema, or the dead-letter
 * reason why not. {@code extras} holds the text of requested passthrough columns that are not in
 * the schema ({@code --keep} of a CSV column the model does not read), in request order.
 */
public record Decoded(GenericData.Record record, String reason, String[] extras) {

  public static Decoded ok(GenericData.Record record, String[] extras) {
    return new Decoded(record, null, extras);
  }

  public static Decoded failed(String reason) {
    return new Decoded(null, reason, null);
  }

  public boolean isOk() {
    return reason == null;
  }
}
