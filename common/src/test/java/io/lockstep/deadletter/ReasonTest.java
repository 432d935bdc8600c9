package io.lockstep.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReasonTest {

  @Test
  void wireTextIsKindColonDetailAsTheSpecWritesIt() {
    assertThat(Reason.decode("age").text()).isEqualTo("decode:age");
    assertThat(Reason.undecodableRecord().text()).isEqualTo("decode:record");
    assertThat(Reason.schema("record").text()).isEqualTo("schema:record");
    assertThat(Reason.missing("days_since_login").text()).isEqualTo("missing:days_since_login");
    assertThat(Reason.nan("amount_z").text()).isEqualTo("nan:amount_z");
    assertThat(Reason.late("12 ms behind").text()).isEqualTo("late:12 ms behind");
    assertThat(Reason.model(null).text()).isEqualTo("model:unknown error");
  }

  @Test
  void modelMessageStaysOnOneLine() {
    assertThat(Reason.model("bad\ninput\r\ntype").detail()).doesNotContain("\n", "\r");
  }

  @Test
  void parseReadsBackEveryKindFromItsWireText() {
    for (Reason.Kind kind : Reason.Kind.values()) {
      Reason r = new Reason(kind, "f:with:colons");
      assertThat(Reason.parse(r.text())).isEqualTo(r);
    }
    assertThat(Reason.parse("late:")).isEqualTo(Reason.late(""));
  }

  @Test
  void parseRefusesTextWithoutAKnownKind() {
    assertThatThrownBy(() -> Reason.parse("oops:x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oops:x");
  }

  @Test
  void deadLetterCarriesTheTypedReasonAndWritesItsWireText() throws Exception {
    DeadLetter dl = DeadLetter.ofText(Reason.decode("age"), DeadLetter.Level.SINGLE_NODE, "in.csv:2", "k", "k,abc");
    assertThat(dl.reasonKind()).isEqualTo(Reason.Kind.DECODE);
    var json = new ObjectMapper().readTree(new String(dl.toJsonBytes(), StandardCharsets.UTF_8));
    assertThat(json.get("reason").asText()).isEqualTo("decode:age");
  }
}
