package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.lifecycle.ControlCommand.InvalidCommand;
import io.lockstep.lifecycle.ControlCommand.Kind;
import io.lockstep.lifecycle.ControlCommand.Mode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlCommandTest {
  private static final String SHA = "a".repeat(64);
  private static final byte[] KEY = "churn".getBytes(StandardCharsets.UTF_8);

  private static ControlCommand parse(String json) {
    return ControlCommand.parse(KEY, json.getBytes(StandardCharsets.UTF_8));
  }

  private static String rejection(byte[] key, String json) {
    try {
      ControlCommand.parse(key, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidCommand e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void deployRoundTripsThroughTheDocumentedJsonFields() throws Exception {
    ControlCommand c = ControlCommand.deploy("churn", "hdfs:///models/churn-2", SHA, Mode.CANARY, 12.5);
    JsonNode json = new ObjectMapper().readTree(c.value());
    List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("command", "bundle", "sha256", "mode", "percent", "id", "issued_at");
    assertThat(json.get("command").asText()).isEqualTo("deploy");
    assertThat(json.get("mode").asText()).isEqualTo("canary");
    assertThat(json.get("percent").asDouble()).isEqualTo(12.5);
    assertThat(ControlCommand.parse(c.key(), c.value())).isEqualTo(c);
  }

  @Test
  void promoteAndRollbackCarryNoBundle() {
    ControlCommand p = ControlCommand.of("churn", Kind.PROMOTE);
    assertThat(new String(p.value(), StandardCharsets.UTF_8)).doesNotContain("bundle").doesNotContain("percent");
    assertThat(ControlCommand.parse(p.key(), p.value())).isEqualTo(p);
    ControlCommand r = parse("{\"command\":\"rollback\",\"id\":\"r1\",\"issued_at\":\"2026-12-03T10:00:00Z\"}");
    assertThat(r.command()).isEqualTo(Kind.ROLLBACK);
    assertThat(r.name()).isEqualTo("churn");
  }

  @Test
  void rejectsWhatIsNotAJsonObjectWithOneLine() {
    assertThat(rejection(KEY, "{\"command\": ")).startsWith("not JSON:");
    assertThat(rejection(KEY, "[1,2]")).startsWith("not a JSON object:");
    assertThat(rejection(KEY, null)).startsWith("empty value");
  }

  @Test
  void rejectsUnknownCommandsAndModes() {
    assertThat(rejection(KEY, "{\"command\":\"delete\",\"id\":\"x\",\"issued_at\":\"2026-12-03T10:00:00Z\"}"))
        .isEqualTo("unknown command 'delete': use deploy, promote or rollback");
    assertThat(rejection(KEY, deploy("\"mode\":\"blue\"")))
        .isEqualTo("unknown mode 'blue': use primary, shadow or canary");
  }

  @Test
  void rejectsPercentOutsideZeroToHundredAndOutsideCanary() {
    assertThat(rejection(KEY, deploy("\"mode\":\"canary\",\"percent\":101"))).contains("'percent' must be within 0..100");
    assertThat(rejection(KEY, deploy("\"mode\":\"canary\",\"percent\":-1"))).contains("'percent' must be within 0..100");
    assertThat(rejection(KEY, deploy("\"mode\":\"canary\""))).contains("missing field 'percent'");
    assertThat(rejection(KEY, deploy("\"mode\":\"shadow\",\"percent\":5"))).contains("applies to mode canary only");
    assertThat(rejection(KEY, deploy("\"mode\":\"canary\",\"percent\":\"ten\""))).contains("'percent' must be a number");
    assertThat(parse(deploy("\"mode\":\"canary\",\"percent\":0")).percent()).isZero();
    assertThat(parse(deploy("\"mode\":\"canary\",\"percent\":100")).percent()).isEqualTo(100.0);
  }

  @Test
  void rejectsMissingFieldsNamingThem() {
    assertThat(rejection(KEY, "{\"id\":\"x\",\"issued_at\":\"2026-12-03T10:00:00Z\"}")).isEqualTo("missing field 'command'");
    assertThat(rejection(KEY, "{\"command\":\"promote\",\"issued_at\":\"2026-12-03T10:00:00Z\"}")).isEqualTo("missing field 'id'");
    assertThat(rejection(KEY, "{\"command\":\"promote\",\"id\":\"x\"}")).isEqualTo("missing field 'issued_at'");
    assertThat(rejection(KEY, "{\"command\":\"deploy\",\"sha256\":\"" + SHA + "\",\"mode\":\"primary\",\"id\":\"x\","
        + "\"issued_at\":\"2026-12-03T10:00:00Z\"}")).startsWith("missing field 'bundle'");
    assertThat(rejection(KEY, "{\"command\":\"deploy\",\"bundle\":\"/m\",\"mode\":\"primary\",\"id\":\"x\","
        + "\"issued_at\":\"2026-12-03T10:00:00Z\"}")).startsWith("missing field 'sha256'");
    assertThat(rejection(KEY, deploy(null))).startsWith("missing field 'mode'");
    assertThat(rejection(null, deploy("\"mode\":\"primary\""))).startsWith("record has no key");
  }

  @Test
  void rejectsMalformedShaAndTime() {
    String badSha = "{\"command\":\"deploy\",\"bundle\":\"/m\",\"sha256\":\"ABC\",\"mode\":\"primary\",\"id\":\"x\","
        + "\"issued_at\":\"2026-12-03T10:00:00Z\"}";
    assertThat(rejection(KEY, badSha)).startsWith("field 'sha256' must be 64 lowercase hex digits");
    assertThat(rejection(KEY, "{\"command\":\"promote\",\"id\":\"x\",\"issued_at\":\"yesterday\"}"))
        .startsWith("field 'issued_at' must be an ISO-8601");
  }

  @Test
  void aRejectionCarriesTheIdAndNameItCouldRead() {
    InvalidCommand e = org.junit.jupiter.api.Assertions.assertThrows(InvalidCommand.class,
        () -> parse("{\"command\":\"explode\",\"id\":\"cmd-7\",\"issued_at\":\"2026-12-03T10:00:00Z\"}"));
    assertThat(e.id()).isEqualTo("cmd-7");
    assertThat(e.name()).isEqualTo("churn");
    assertThatThrownBy(() -> ControlCommand.of("churn", Kind.DEPLOY)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String deploy(String modeAndPercent) {
    return "{\"command\":\"deploy\",\"bundle\":\"/models/churn-2\",\"sha256\":\"" + SHA + "\","
        + (modeAndPercent == null ? "" : modeAndPercent + ",") + "\"id\":\"x\",\"issued_at\":\"2026-12-03T10:00:00Z\"}";
  }
}
