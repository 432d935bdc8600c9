package io.lockstep.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeadLetterBudgetTest {

  private static DeadLetterBudget budget(double fraction, long min) {
    return new DeadLetterPolicy(1024, fraction, min).newBudget();
  }

  @Test
  void badRecordsBeforeMinRecordsDoNotStopTheRunButAreJudgedWhenItIsReached() {
    DeadLetterBudget b = budget(0.1, 10);
    for (int i = 0; i < 9; i++) {
      b.read();
      b.dead(Reason.decode("age"));
    }
    assertThatThrownBy(b::read).isInstanceOf(DeadLetterBudgetExceeded.class)
        .hasMessageContaining("9 of 10 records").hasMessageContaining("--max-dead-fraction 0.1");
  }

  @Test
  void exceedingTheFractionAfterMinRecordsStopsWithTheCountsAndTheLastReason() {
    DeadLetterBudget b = budget(0.25, 8);
    for (int i = 0; i < 8; i++) {
      b.read();
    }
    b.dead(Reason.nan("a"));
    b.dead(Reason.nan("a"));       // 2 of 8 = 0.25: at the limit, not over it
    assertThatThrownBy(() -> b.dead(Reason.missing("b"))).isInstanceOf(DeadLetterBudgetExceeded.class)
        .hasMessage("dead-letter budget exceeded: 3 of 8 records read were dead-lettered (37.50%), over --max-dead-fraction 0.25"
            + " (judged after --min-records 8); last reason missing:b; check the input and the bundle, or raise --max-dead-fraction");
  }

  @Test
  void defaultBudgetNeverStops() {
    DeadLetterBudget b = DeadLetterPolicy.DEFAULTS.newBudget();
    assertThat(b.enabled()).isFalse();
    assertThatCode(() -> {
      for (int i = 0; i < 5000; i++) {
        b.read();
        b.dead(Reason.undecodableRecord());
      }
    }).doesNotThrowAnyException();
  }

  @Test
  void finalCheckJudgesTotalsSummedElsewhere() {
    DeadLetterBudget b = budget(0.5, 4);
    assertThatCode(() -> b.checkFinal(3, 3)).doesNotThrowAnyException();   // below --min-records
    assertThatCode(() -> b.checkFinal(10, 5)).doesNotThrowAnyException();
    assertThatThrownBy(() -> b.checkFinal(10, 6)).isInstanceOf(DeadLetterBudgetExceeded.class);
  }

  @Test
  void policyRefusesNonsenseWithTheFlagName() {
    assertThatThrownBy(() -> new DeadLetterPolicy(-1, 1, 1)).hasMessageContaining("--dead-letter-max-original");
    assertThatThrownBy(() -> new DeadLetterPolicy(1, 1.5, 1)).hasMessageContaining("--max-dead-fraction");
    assertThatThrownBy(() -> new DeadLetterPolicy(1, Double.NaN, 1)).hasMessageContaining("--max-dead-fraction");
    assertThatThrownBy(() -> new DeadLetterPolicy(1, 0.5, 0)).hasMessageContaining("--min-records");
  }
}
