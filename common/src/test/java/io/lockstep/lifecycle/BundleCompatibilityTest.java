package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.BundleWriter;
import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCompatibilityTest {
  @TempDir
  Path tmp;

  private static Bundle golden(String fixture) {
    return BundleLoader.load(GoldenFixture.of(fixture).bundle());
  }

  /** The golden fixture's bundle rewritten with {@code edit} applied to one of its files. */
  private Path variant(String fixture, String file, String from, String to) throws IOException {
    Path src = GoldenFixture.of(fixture).bundle();
    Path work = Files.createDirectories(tmp.resolve("src-" + fixture + "-" + System.nanoTime()));
    for (String f : new String[] {Bundle.FEATURES_YAML, Bundle.INPUT_AVSC}) {
      String text = Files.readString(src.resolve(f));
      if (f.equals(file)) {
        assertThat(text).contains(from);
        text = text.replace(from, to);
      }
      Files.writeString(work.resolve(f), text);
    }
    return BundleWriter.write(work.resolve(Bundle.FEATURES_YAML), work.resolve(Bundle.INPUT_AVSC), src.resolve(Bundle.MODEL_ONNX),
        null, "golden-" + fixture, "2", "variant", tmp.resolve("out-" + System.nanoTime()));
  }

  @Test
  void theGoldenCandidateMayReplaceItsPrimary() {
    Bundle v1 = golden("lr");
    Bundle v2 = BundleLoader.load(GoldenFixture.of("lr").bundle().resolveSibling("candidate").resolve("bundle"));
    assertThat(BundleCompatibility.check(v1, v2)).isEmpty();
    assertThat(BundleCompatibility.check(v1, v1)).isEmpty();
  }

  @Test
  void anotherKeyIsRefused() {
    assertThat(BundleCompatibility.check(golden("lr"), golden("windows")))
        .hasValueSatisfying(r -> assertThat(r).startsWith("golden-windows@").contains("cannot replace golden-lr@"));
  }

  @Test
  void aSchemaThatReadsTheRunningRecordsIsAccepted() throws IOException {
    // A new optional field with a default: a reader of the old records (Avro schema resolution).
    Path v2 = variant("lr", Bundle.INPUT_AVSC, "\"fields\": [",
        "\"fields\": [{\"name\": \"segment\", \"type\": [\"null\", \"string\"], \"default\": null},");
    assertThat(BundleCompatibility.check(golden("lr"), BundleLoader.load(v2))).isEmpty();
  }

  @Test
  void aSchemaThatCannotReadTheRunningRecordsIsRefused() throws IOException {
    Path v2 = variant("lr", Bundle.INPUT_AVSC, "\"fields\": [",
        "\"fields\": [{\"name\": \"segment\", \"type\": \"string\"},");
    assertThat(BundleCompatibility.check(golden("lr"), BundleLoader.load(v2)))
        .hasValueSatisfying(r -> assertThat(r).contains("cannot read records written with the running input.avsc")
            .contains("segment"));
  }

  @Test
  void aChangedWindowIsRefusedAndRowOpsMayChange() throws IOException {
    Path longer = variant("windows", Bundle.FEATURES_YAML, "window: {agg: count, over: 1h}", "window: {agg: count, over: 2h}");
    assertThat(BundleCompatibility.check(golden("windows"), BundleLoader.load(longer)))
        .hasValueSatisfying(r -> assertThat(r).contains("window feature 1 'txn_count_1h' is {agg: count, over: 2h}")
            .contains("window definitions cannot change"));
    Path newOps = variant("windows", Bundle.FEATURES_YAML, "{standardize: {mean: 4.898, std: 2.5849}}",
        "{standardize: {mean: 5.0, std: 2.5}}");
    assertThat(BundleCompatibility.check(golden("windows"), BundleLoader.load(newOps))).isEmpty();
  }

  @Test
  void aTimeFieldInAnotherUnitIsRefused() throws IOException {
    // long -> long resolves in Avro whatever the logical type, but window state holds millis.
    Path micros = variant("windows", Bundle.INPUT_AVSC, "\"logicalType\": \"timestamp-millis\"", "\"logicalType\": \"timestamp-micros\"");
    assertThat(BundleCompatibility.check(golden("windows"), BundleLoader.load(micros)))
        .hasValueSatisfying(r -> assertThat(r).contains("time field 'event_time' is in microseconds, the running bundle's is in milliseconds"));
  }
}
