package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import org.apache.avro.generic.GenericData;

/**
 * The outcome of decoding one raw input: a record of the bundle's input schema, or the dead-letter
 * reason why not. {@code extras} holds the text of requested passthrough columns that are not in
 * the schema ({@code --keep} of a CSV column the model does not read), in request order.
 *
 * <p>A failed decode may still carry {@code partial}: the fields that could be read (the others
 * null). It exists so a dead letter can name its {@code key} whenever the key field itself was
 * readable (docs/spec.md, Dead letters: "key only when it could be read"); it is never scored.
 */
public record Decoded(GenericData.Record record, Reason reason, String[] extras, GenericData.Record partial) {

  public static Decoded ok(GenericData.Record record, String[] extras) {
    return new Decoded(record, null, extras, null);
  }

  public static Decoded failed(Reason reason) {
    return new Decoded(null, reason, null, null);
  }

  /** A failure after which {@code partial} still holds the fields that could be read. */
  public static Decoded failed(Reason reason, GenericData.Record partial) {
    return new Decoded(null, reason, null, partial);
  }

  public boolean isOk() {
    return reason == null;
  }

  /** The record when decoding succeeded, else the partially read fields, else null: for dead-letter keys. */
  public GenericData.Record readable() {
    return record != null ? record : partial;
  }
}
