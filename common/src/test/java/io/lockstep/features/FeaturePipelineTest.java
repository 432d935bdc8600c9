package io.lockstep.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.SpecParser;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every row op against hand-computed values, including the edge cases docs/spec.md, features.yaml pins. */
class FeaturePipelineTest {

  static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type":"record","name":"R","fields":[
        {"name":"x","type":["null","double"]},
        {"name":"f","type":["null","float"]},
        {"name":"i","type":["null","int"]},
        {"name":"l","type":["null","long"]},
        {"name":"b","type":["null","boolean"]},
        {"name":"s","type":["null","string"]}]}""");

  static FeaturePipeline pipeline(String features) {
    String yaml = "features:\n" + features + "\nmodel: {input: in, outputs: {p: {output: o}}}\n";
    FeatureSpec spec = SpecParser.parse(yaml, "features.yaml", SCHEMA);
    return FeaturePipeline.compile(spec, SCHEMA);
  }

  /** Result of one extraction: the row or the reason. */
  record Out(float[] row, String reason) {}

  static Out run(FeaturePipeline p, Map<String, Object> values) {
    float[] out = new float[p.width()];
    io.lockstep.deadletter.Reason reason = p.extract(i -> values.get(SCHEMA.getFields().get(i).name()), null, out, 0);
    return new Out(out, reason == null ? null : reason.text());
  }

  static Map<String, Object> rec(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static float one(String feature, Object... kv) {
    Out o = run(pipeline(feature), rec(kv));
    assertThat(o.reason()).as("reason").isNull();
    return o.row()[0];
  }

  static String reason(String feature, Object... kv) {
    return run(pipeline(feature), rec(kv)).reason();
  }

  @Test
  void standardizeIsXMinusMeanOverStd() {
    assertThat(one("  - {name: z, from: x, ops: [{standardize: {mean: 50, std: 10}}]}", "x", 65.0)).isEqualTo(1.5f);
  }

  @Test
  void opsComputeInDoubleAndCastOnce() {
    // (0.1 + 0.2 - 0.3) / 1e-17 in double is 5.551115123125783; in float steps it would differ.
    float v = one("  - {name: z, from: x, ops: [{standardize: {mean: 0.3, std: 1e-17}}]}", "x", 0.1 + 0.2);
    assertThat(v).isEqualTo((float) ((0.1 + 0.2 - 0.3) / 1e-17));
  }

  @Test
  void minMaxScales() {
    assertThat(one("  - {name: z, from: x, ops: [{min_max: {min: 10, max: 30}}]}", "x", 15.0)).isEqualTo(0.25f);
  }

  @Test
  void log1pAndClip() {
    assertThat(one("  - {name: z, from: x, ops: [log1p]}", "x", Math.E - 1)).isEqualTo((float) Math.log1p(Math.E - 1));
    assertThat(one("  - {name: z, from: x, ops: [{clip: {min: 0.0}}, log1p]}", "x", -5.0)).isEqualTo(0f);
    assertThat(one("  - {name: z, from: x, ops: [{clip: {max: 2}}]}", "x", 7.0)).isEqualTo(2f);
    assertThat(one("  - {name: z, from: x, ops: [{clip: {min: -1, max: 1}}]}", "x", Double.POSITIVE_INFINITY)).isEqualTo(1f);
  }

  @Test
  void log1pOfMinusOneIsNanFeature() {
    assertThat(reason("  - {name: lg, from: x, ops: [log1p]}", "x", -1.0)).isEqualTo("nan:lg");
    assertThat(reason("  - {name: lg, from: x, ops: [log1p]}", "x", -2.0)).isEqualTo("nan:lg");
  }

  @Test
  void standardizeWithZeroStdIsNanFeature() {
    assertThat(reason("  - {name: z, from: x, ops: [{standardize: {mean: 1, std: 0}}]}", "x", 1.0)).isEqualTo("nan:z");
  }

  @Test
  void infiniteInputWithoutClipIsNanFeature() {
    assertThat(reason("  - {name: z, from: x}", "x", Double.NEGATIVE_INFINITY)).isEqualTo("nan:z");
    assertThat(reason("  - {name: z, from: x, ops: [{standardize: {mean: 0, std: 1}}]}", "x", Double.POSITIVE_INFINITY)).isEqualTo("nan:z");
  }

  @Test
  void nullOrNanWithoutImputeIsMissingField() {
    assertThat(reason("  - {name: z, from: x, ops: [log1p]}")).isEqualTo("missing:x");
    assertThat(reason("  - {name: z, from: x, ops: [log1p]}", "x", Double.NaN)).isEqualTo("missing:x");
    assertThat(reason("  - {name: z, from: f}", "f", Float.NaN)).isEqualTo("missing:f");
    assertThat(reason("  - {name: c, from: s, ops: [{one_hot: [a]}]}")).isEqualTo("missing:s");
  }

  @Test
  void imputeFirstReplacesNullAndNan() {
    String f = "  - {name: z, from: x, ops: [{impute: 3.5}, {standardize: {mean: 1.5, std: 2}}]}";
    assertThat(one(f)).isEqualTo(1f);
    assertThat(one(f, "x", Double.NaN)).isEqualTo(1f);
    assertThat(one(f, "x", 5.5)).isEqualTo(2f);
  }

  @Test
  void imputeOnAStringFieldFeedsOneHot() {
    FeaturePipeline p = pipeline("  - {name: c, from: s, ops: [{impute: DE}, {one_hot: [US, DE]}]}");
    assertThat(run(p, rec()).row()).containsExactly(0f, 1f);
  }

  @Test
  void bucketizeCountsBoundariesLessOrEqual() {
    String f = "  - {name: band, from: i, ops: [{bucketize: [18, 30, 50]}]}";
    assertThat(one(f, "i", 17)).isEqualTo(0f);
    assertThat(one(f, "i", 18)).isEqualTo(1f);
    assertThat(one(f, "i", 29)).isEqualTo(1f);
    assertThat(one(f, "i", 30)).isEqualTo(2f);
    assertThat(one(f, "i", 50)).isEqualTo(3f);
    assertThat(one(f, "i", 1000)).isEqualTo(3f);
    assertThat(one(f, "i", -1000)).isEqualTo(0f);
  }

  @Test
  void oneHotGivesOneColumnPerValueAndZerosForUnseen() {
    FeaturePipeline p = pipeline("  - {name: c, from: s, ops: [{one_hot: [US, DE, FR]}]}");
    assertThat(p.width()).isEqualTo(3);
    assertThat(run(p, rec("s", "DE")).row()).containsExactly(0f, 1f, 0f);
    assertThat(run(p, rec("s", "IT")).row()).containsExactly(0f, 0f, 0f);
    assertThat(run(p, rec("s", "")).row()).containsExactly(0f, 0f, 0f);
    assertThat(run(p, rec("s", "us")).row()).containsExactly(0f, 0f, 0f);
  }

  @Test
  void oneHotOfAvroUtf8BytesMatchesItsTextForValidAndMalformedBytes() {
    FeaturePipeline p = pipeline("  - {name: c, from: s, ops: [{one_hot: [US, \"ü\", 日本, \"\", \"a\\uFFFDb\"]}]}");
    FeaturePipeline noReplacement = pipeline("  - {name: c, from: s, ops: [{one_hot: [US, \"ü\", 日本, \"\"]}]}");
    java.util.Random random = new java.util.Random(16);
    byte[][] seeds = {"US".getBytes(java.nio.charset.StandardCharsets.UTF_8), "ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "日本".getBytes(java.nio.charset.StandardCharsets.UTF_8), {}, {'a', (byte) 0xC3, 'b'}, {(byte) 0xFF}, {'U', 'S', 0}};
    for (int round = 0; round < 5_000; round++) {
      byte[] bytes = seeds[random.nextInt(seeds.length)].clone();
      if (bytes.length > 0 && random.nextInt(4) == 0) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256); // often malformed
      }
      org.apache.avro.util.Utf8 utf8 = new org.apache.avro.util.Utf8(bytes);
      for (FeaturePipeline pipe : java.util.List.of(p, noReplacement)) {
        assertThat(run(pipe, rec("s", utf8)).row()).as("%s", java.util.Arrays.toString(bytes))
            .containsExactly(run(pipe, rec("s", utf8.toString())).row());
      }
    }
    assertThat(run(noReplacement, rec("s", new org.apache.avro.util.Utf8("日本"))).row()).containsExactly(0f, 0f, 1f, 0f);
    assertThat(run(p, rec("s", new org.apache.avro.util.Utf8(new byte[] {'a', (byte) 0xC3, 'b'}))).row())
        .containsExactly(0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void oneHotComparesIntsAndBooleansAsText() {
    FeaturePipeline ints = pipeline("  - {name: c, from: i, ops: [{one_hot: [1, \"3\", 5]}]}");
    assertThat(run(ints, rec("i", 3)).row()).containsExactly(0f, 1f, 0f);
    assertThat(run(ints, rec("i", 1)).row()).containsExactly(1f, 0f, 0f);
    FeaturePipeline bools = pipeline("  - {name: c, from: b, ops: [{one_hot: [true, false]}]}");
    assertThat(run(bools, rec("b", false)).row()).containsExactly(0f, 1f);
  }

  @Test
  void yaml12KeepsNoAndOnAsStrings() {
    FeaturePipeline p = pipeline("  - {name: c, from: s, ops: [{one_hot: [NO, on, y, yes]}]}");
    assertThat(run(p, rec("s", "NO")).row()).containsExactly(1f, 0f, 0f, 0f);
    assertThat(run(p, rec("s", "y")).row()).containsExactly(0f, 0f, 1f, 0f);
  }

  @Test
  void hashBucketIsUnsignedMurmur3ModN() {
    // mmh3.hash("hello", 0, signed=False) == 613153351; 613153351 % 1024 == 583
    assertThat(one("  - {name: h, from: s, ops: [{hash_bucket: 1024}]}", "s", "hello")).isEqualTo(583f);
    // mmh3.hash("", 0) == 0
    assertThat(one("  - {name: h, from: s, ops: [{hash_bucket: 7}]}", "s", "")).isEqualTo(0f);
  }

  @Test
  void hashBucketOfAnIntegerHashesItsDecimalString() {
    float fromLong = one("  - {name: h, from: l, ops: [{hash_bucket: 1000003}]}", "l", 4676078479123456789L);
    assertThat(fromLong).isEqualTo((float) Murmur3.bucket("4676078479123456789", 1000003));
    float fromInt = one("  - {name: h, from: i, ops: [{hash_bucket: 97}]}", "i", -42);
    assertThat(fromInt).isEqualTo((float) Murmur3.bucket("-42", 97));
  }

  @Test
  void passthroughOfNumbersAndBooleans() {
    assertThat(one("  - {name: v, from: i}", "i", 7)).isEqualTo(7f);
    assertThat(one("  - {name: v, from: l}", "l", 1L << 40)).isEqualTo((float) (1L << 40));
    assertThat(one("  - {name: v, from: b}", "b", true)).isEqualTo(1f);
    assertThat(one("  - {name: v, from: b}", "b", false)).isEqualTo(0f);
    assertThat(one("  - {name: v, from: f}", "f", 0.1f)).isEqualTo(0.1f);
  }

  @Test
  void featuresAreLaidOutInSpecOrder() {
    FeaturePipeline p = pipeline("""
          - {name: a, from: x}
          - {name: c, from: s, ops: [{one_hot: [u, v]}]}
          - {name: b, from: i}""");
    assertThat(p.width()).isEqualTo(4);
    assertThat(p.columnNames()).containsExactly("a", "c[0]", "c[1]", "b");
    assertThat(run(p, rec("x", 1.5, "s", "v", "i", 9)).row()).containsExactly(1.5f, 0f, 1f, 9f);
  }

  @Test
  void firstFailingFeatureGivesTheReason() {
    FeaturePipeline p = pipeline("""
          - {name: a, from: x, ops: [log1p]}
          - {name: b, from: i}""");
    assertThat(run(p, rec("x", -3.0)).reason()).hasToString("nan:a");
    assertThat(run(p, rec("x", 3.0)).reason()).hasToString("missing:i");
  }
}
