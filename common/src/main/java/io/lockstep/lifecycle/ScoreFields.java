package io.lockstep.lifecycle;

import io.lockstep.score.PredictionField;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Which prediction fields {@link Divergence} compares (docs/spec.md, Divergence): the score is the
 * first {@code model.outputs} field, in spec order, that is a float or double; the label is the
 * first that is a long or string (a class label). A bundle without a float field has no score to
 * compare and cannot be a shadow or canary. Labels are compared only when both bundles have a
 * label field (otherwise they count as equal).
 *
 * <p>The golden bundles' {@code score: {output: probabilities, index: 1}} and
 * {@code label: {output: label}} are exactly these two.
 */
public record ScoreFields(String score, String label) {

  public static ScoreFields of(List<PredictionField> fields) {
    String score = null;
    String label = null;
    for (PredictionField f : fields) {
      boolean floating = f.type() == PredictionField.Type.FLOAT || f.type() == PredictionField.Type.DOUBLE;
      if (floating && score == null) {
        score = f.name();
      } else if (!floating && label == null) {
        label = f.name();
      }
    }
    if (score == null) {
      throw new IllegalArgumentException("no float or double prediction field to compare: model.outputs has "
          + fields.stream().map(f -> f.name() + " (" + f.type().name().toLowerCase(java.util.Locale.ROOT) + ")").toList());
    }
    return new ScoreFields(score, label);
  }

  /**
   * The fields of a prediction record schema: the spec's {@code model.outputs} names, typed as the
   * schema writes them (float and double, long and string: docs/spec.md, Outputs).
   */
  public static ScoreFields of(io.lockstep.spec.FeatureSpec spec, org.apache.avro.Schema predictionSchema) {
    List<PredictionField> fields = new java.util.ArrayList<>();
    for (String name : spec.model().outputs().keySet()) {
      org.apache.avro.Schema.Field f = predictionSchema.getField(name);
      if (f == null) {
        throw new IllegalArgumentException("prediction schema " + predictionSchema.getFullName() + " has no field '" + name + "'");
      }
      PredictionField.Type type = switch (f.schema().getType()) {
        case FLOAT -> PredictionField.Type.FLOAT;
        case DOUBLE -> PredictionField.Type.DOUBLE;
        case LONG -> PredictionField.Type.LONG;
        default -> PredictionField.Type.STRING;
      };
      fields.add(new PredictionField(name, name, PredictionField.Source.TENSOR, type, 0, null));
    }
    return of(fields);
  }

  /** The score of a prediction record; a null score reads as NaN. */
  public double score(GenericRecord prediction) {
    Object v = prediction.get(score);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  /** The label of a prediction record, or null without a label field. */
  public Object label(GenericRecord prediction) {
    return label == null ? null : prediction.get(label);
  }

  /** Adds one record scored by both to {@code divergence}. */
  public static void add(Divergence divergence, ScoreFields primaryFields, GenericRecord primary,
                         ScoreFields candidateFields, GenericRecord candidate) {
    boolean labels = primaryFields.label != null && candidateFields.label != null;
    divergence.add(primaryFields.score(primary), candidateFields.score(candidate),
        labels ? primaryFields.label(primary) : null, labels ? candidateFields.label(candidate) : null);
  }
}
