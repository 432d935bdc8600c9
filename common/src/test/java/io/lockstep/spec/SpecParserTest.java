package io.lockstep.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Spec errors name the file, the feature and what to fix. */
class SpecParserTest {
  static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"R","fields":[
        {"name":"id","type":"string"},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"amount","type":["null","double"]},
        {"name":"country","type":"string"}]}""");

  static final String MODEL = "\nmodel: {input: in, outputs: {score: {output: probabilities, index: 1}}}\n";

  static FeatureSpec parse(String features) {
    return SpecParser.parse("features:\n" + features + MODEL, "features.yaml", SCHEMA);
  }

  static String error(String features) {
    try {
      parse(features);
    } catch (SpecException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a SpecException");
  }

  @Test
  void parsesTheDesignExample() {
    FeatureSpec spec = SpecParser.parse("""
        key: id
        time: ts
        features:
          - name: amount_z
            from: amount
            ops: [ {impute: 0.0}, {standardize: {mean: 52.1, std: 80.3}} ]
          - name: amount_log
            from: amount
            ops: [ {clip: {min: 0.0}}, log1p ]
          - name: country
            from: country
            ops: [ {one_hot: [US, DE, FR]} ]
          - name: txn_count_1h
            window: {agg: count, over: 1h}
          - name: amount_sum_24h
            window: {agg: sum, of: amount, over: 24h}
        model:
          input: float_input
          outputs:
            score: {output: probabilities, index: 1}
            label: {output: label}
        """, "features.yaml", SCHEMA);
    assertThat(spec.width()).isEqualTo(7);
    assertThat(spec.windowFeatures()).hasSize(2);
    assertThat(spec.windowFeatures().get(0).window().overMillis()).isEqualTo(3_600_000L);
    assertThat(spec.longestWindowMillis()).isEqualTo(86_400_000L);
    assertThat(spec.model().outputs().get("score").index()).isEqualTo("1");
    assertThat(spec.model().outputs().get("label").hasIndex()).isFalse();
  }

  @Test
  void numbersMayUseAnyJsonNotation() {
    FeatureSpec spec = parse("  - {name: z, from: amount, ops: [{standardize: {mean: -0.5, std: 1e-5}}]}");
    Op.Standardize s = (Op.Standardize) spec.features().get(0).ops().get(0);
    assertThat(s.mean()).isEqualTo(-0.5);
    assertThat(s.std()).isEqualTo(1e-5);
  }

  @Test
  void durationsUseUnits() {
    assertThat(WindowDef.parseDuration("90s")).isEqualTo(90_000L);
    assertThat(WindowDef.parseDuration("7d")).isEqualTo(7 * 86_400_000L);
    assertThat(WindowDef.parseDuration("250ms")).isEqualTo(250L);
    assertThat(WindowDef.parseDuration("5m")).isEqualTo(300_000L);
  }

  @Test
  void unknownOpIsNamed() {
    assertThat(error("  - {name: z, from: amount, ops: [{standardise: {mean: 1, std: 2}}]}"))
        .contains("features.yaml").contains("feature 'z'").contains("unknown op 'standardise'").contains("standardize");
  }

  @Test
  void unknownFieldIsNamedWithTheKnownOnes() {
    assertThat(error("  - {name: z, from: amt}"))
        .contains("feature 'z'").contains("'amt'").contains("input.avsc").contains("amount");
  }

  @Test
  void mistypedFieldIsExplained() {
    assertThat(error("  - {name: c, from: country, ops: [{standardize: {mean: 1, std: 2}}]}"))
        .contains("feature 'c'").contains("string").contains("one_hot");
    assertThat(error("  - {name: c, from: country}")).contains("feature 'c'").contains("must end as a number");
  }

  @Test
  void boundariesMustIncrease() {
    assertThat(error("  - {name: b, from: amount, ops: [{bucketize: [1, 5, 5]}]}"))
        .contains("feature 'b'").contains("strictly increasing");
  }

  @Test
  void oneHotMustBeLast() {
    assertThat(error("  - {name: c, from: country, ops: [{one_hot: [a]}, {hash_bucket: 3}]}")).contains("must be the last op");
  }

  @Test
  void unknownKeysAreRefused() {
    assertThat(error("  - {name: z, from: amount, opz: [log1p]}")).contains("unknown key 'opz'");
  }

  @Test
  void windowsNeedKeyAndTime() {
    assertThat(error("  - {name: w, window: {agg: count, over: 1h}}")).contains("feature 'w'").contains("key:");
  }

  @Test
  void badWindowsAreExplained() {
    String head = "key: id\ntime: ts\nfeatures:\n";
    assertThatThrownBy(() -> SpecParser.parse(head + "  - {name: w, window: {agg: median, of: amount, over: 1h}}" + MODEL, "f.yaml", SCHEMA))
        .hasMessageContaining("median").hasMessageContaining("count, sum, mean, min, max");
    assertThatThrownBy(() -> SpecParser.parse(head + "  - {name: w, window: {agg: sum, of: amount, over: 1w}}" + MODEL, "f.yaml", SCHEMA))
        .hasMessageContaining("unknown unit 'w'");
    assertThatThrownBy(() -> SpecParser.parse(head + "  - {name: w, window: {agg: sum, over: 1h}}" + MODEL, "f.yaml", SCHEMA))
        .hasMessageContaining("needs of:");
    assertThatThrownBy(() -> SpecParser.parse(head + "  - {name: w, window: {agg: sum, of: country, over: 1h}}" + MODEL, "f.yaml", SCHEMA))
        .hasMessageContaining("numeric");
  }

  @Test
  void duplicateFeatureNamesAreRefused() {
    assertThat(error("  - {name: z, from: amount}\n  - {name: z, from: amount}")).contains("defined twice");
  }

  @Test
  void modelNeedsInputAndOutputs() {
    assertThatThrownBy(() -> SpecParser.parse("features:\n  - {name: z, from: amount}\nmodel: {outputs: {s: {output: o}}}", "f.yaml", SCHEMA))
        .hasMessageContaining("model.input");
    assertThatThrownBy(() -> SpecParser.parse("features:\n  - {name: z, from: amount}\n", "f.yaml", SCHEMA))
        .hasMessageContaining("model:");
  }

  @Test
  void invalidYamlIsReported() {
    assertThatThrownBy(() -> SpecParser.parse("features: [", "f.yaml", SCHEMA)).hasMessageContaining("f.yaml").hasMessageContaining("YAML");
  }
}
