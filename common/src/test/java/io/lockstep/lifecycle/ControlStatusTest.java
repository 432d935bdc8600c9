package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.lifecycle.ControlCommand.Mode;
import io.lockstep.lifecycle.ControlStatus.State;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlStatusTest {
  private static final Deployment.Model V1 = new Deployment.Model("churn", "1", "/m/1", "1".repeat(64));
  private static final Deployment.Model V2 = new Deployment.Model("churn", "2", "/m/2", "2".repeat(64));

  @Test
  void activeStatusWritesTheDocumentedFieldsInOrder() throws Exception {
    Deployment d = new Deployment(V1, new Deployment.Candidate(V2, Mode.CANARY, 10.0), null);
    Map<String, Long> offsets = new LinkedHashMap<>();
    offsets.put("events-0", 120L);
    offsets.put("events-1", 98L);
    ControlStatus s = ControlStatus.of("cmd-1", "churn", State.ACTIVE, null, d, 1, 2, offsets);
    JsonNode json = new ObjectMapper().readTree(s.value());
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("id", "name", "status", "reason", "model", "candidate", "subtask", "subtasks", "offsets", "at");
    assertThat(json.get("status").asText()).isEqualTo("active");
    assertThat(json.get("model").asText()).isEqualTo("churn@1");
    assertThat(json.get("candidate").get("model").asText()).isEqualTo("churn@2");
    assertThat(json.get("candidate").get("mode").asText()).isEqualTo("canary");
    assertThat(json.get("candidate").get("percent").asDouble()).isEqualTo(10.0);
    assertThat(json.get("offsets").get("events-1").asLong()).isEqualTo(98L);
    assertThat(new String(s.key(), StandardCharsets.UTF_8)).isEqualTo("churn/1");
    assertThat(ControlStatus.parse(s.value())).isEqualTo(s);
  }

  @Test
  void rejectedStatusKeepsTheRunningModelAndHasNoCandidate() {
    ControlStatus s = ControlStatus.of("cmd-2", "churn", State.REJECTED, "bundle /m/9: no such file", Deployment.of(V1), 0, 1, null);
    ControlStatus back = ControlStatus.parse(s.value());
    assertThat(back.reason()).isEqualTo("bundle /m/9: no such file");
    assertThat(back.model()).isEqualTo("churn@1");
    assertThat(back.candidate()).isNull();
    assertThat(back.offsets()).isEmpty();
    assertThat(back.describe()).isEqualTo("subtask 0/1 rejected: bundle /m/9: no such file");
  }

  @Test
  void aReasonComesWithRejectedOnly() {
    assertThatThrownBy(() -> ControlStatus.of("x", "churn", State.ACCEPTED, "why", Deployment.of(V1), 0, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ControlStatus.of("x", "churn", State.REJECTED, null, Deployment.of(V1), 0, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ControlStatus.of("x", "churn", State.ACCEPTED, null, Deployment.of(V1), 2, 2, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseNamesWhatIsWrong() {
    assertThatThrownBy(() -> ControlStatus.parse("{\"name\":\"churn\",\"status\":\"done\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("unknown status 'done': expected accepted, active or rejected");
    assertThatThrownBy(() -> ControlStatus.parse("{\"name\":\"churn\",\"status\":\"active\",\"at\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("missing field 'subtask'");
  }

  @Test
  void statusListsOnlyTheCurrentSubtasksOfEachName() {
    ControlStatus old = new ControlStatus("a", "churn", State.ACTIVE, null, "churn@1", null, 3, 4, null, "2026-12-03T10:00:00Z");
    ControlStatus s0 = new ControlStatus("b", "churn", State.ACTIVE, null, "churn@2", null, 0, 2, null, "2026-12-03T11:00:00Z");
    ControlStatus s1 = new ControlStatus("b", "churn", State.ACTIVE, null, "churn@2", null, 1, 2, null, "2026-12-03T11:00:01Z");
    ControlStatus other = new ControlStatus("c", "fraud", State.ACCEPTED, null, "fraud@7", null, 0, 1, null, "2026-12-03T09:00:00Z");
    Map<String, List<ControlStatus>> byName = ControlClient.byName(List.of(s1, old, other, s0));
    assertThat(byName.keySet()).containsExactly("churn", "fraud");
    assertThat(byName.get("churn")).containsExactly(s0, s1);
    assertThat(byName.get("fraud")).containsExactly(other);
  }
}
