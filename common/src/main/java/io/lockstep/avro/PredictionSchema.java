package io.lockstep.avro;

import io.lockstep.bundle.Bundle;
import io.lockstep.score.PredictionField;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The prediction record schema derived from a bundle (docs/spec.md, Outputs), fields in this order: the
 * spec's {@code key} field, the {@code --keep} passthrough fields (skipping the key if repeated),
 * each named prediction field, {@code model}; in streaming also {@code event_time} (when the spec
 * sets {@code time}) and {@code scored_at}. Passthrough fields keep their input type (nullable);
 * a kept column that is not in {@code input.avsc} is a nullable string of its text.
 */
public final class PredictionSchema {
  private PredictionSchema() {}

  /** The passthrough columns in output order: the key first, then {@code keep} without repeats. */
  public static List<String> passthrough(Bundle bundle, List<String> keep) {
    Set<String> cols = new LinkedHashSet<>();
    if (bundle.spec().key() != null) {
      cols.add(bundle.spec().key());
    }
    cols.addAll(keep);
    return new ArrayList<>(cols);
  }

  /**
   * The prediction schema of a bundle: opens the model once to learn its output types (a few
   * hundred ms), for callers that hold no scorer (the streaming job's client, {@code lockstep tail}).
   */
  public static Schema forBundle(Bundle bundle, List<String> keep, boolean streaming) {
    try (io.lockstep.score.OnnxScorer scorer = io.lockstep.score.OnnxScorer.open(bundle, io.lockstep.score.ScorerOptions.defaults())) {
      return derive(bundle, scorer.fields(), keep, streaming);
    }
  }

  /**
   * The topic on which the streaming job publishes the prediction schema of {@code outputTopic}
   * (its consumers, {@code lockstep tail} among them, read it from there).
   */
  public static String topicOf(String outputTopic) {
    return outputTopic + ".schema";
  }

  public static Schema derive(Bundle bundle, List<PredictionField> predictions, List<String> keep, boolean streaming) {
    Schema input = bundle.inputSchema();
    List<Schema.Field> fields = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String col : passthrough(bundle, keep)) {
      Schema.Field in = input.getField(col);
      Schema type = in == null ? Schema.create(Schema.Type.STRING) : TextValues.nonNull(in.schema());
      fields.add(new Schema.Field(col, nullable(type), null, Schema.Field.NULL_DEFAULT_VALUE));
      names.add(col);
    }
    for (PredictionField p : predictions) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("prediction field '" + p.name() + "' has the name of a passthrough field; rename one of them");
      }
      Schema type = switch (p.type()) {
        case FLOAT -> Schema.create(Schema.Type.FLOAT);
        case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
        case LONG -> Schema.create(Schema.Type.LONG);
        case STRING -> Schema.create(Schema.Type.STRING);
      };
      fields.add(new Schema.Field(p.name(), type));
    }
    addReserved(fields, names, "model", Schema.create(Schema.Type.STRING));
    if (streaming) {
      if (bundle.spec().time() != null) {
        addReserved(fields, names, "event_time", nullable(Schema.create(Schema.Type.LONG)));
      }
      addReserved(fields, names, "scored_at", Schema.create(Schema.Type.LONG));
    }
    String name = bundle.name().replaceAll("[^A-Za-z0-9_]", "_");
    if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
      name = "_" + name;
    }
    return Schema.createRecord(name + "_prediction", "Predictions of " + bundle.id(), "io.lockstep.predictions", false, fields);
  }

  private static void addReserved(List<Schema.Field> fields, Set<String> names, String name, Schema type) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("field '" + name + "' is reserved in prediction records; rename the passthrough or prediction field");
    }
    fields.add(new Schema.Field(name, type, null, type.getType() == Schema.Type.UNION ? Schema.Field.NULL_DEFAULT_VALUE : null));
  }

  private static Schema nullable(Schema s) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
  }
}
