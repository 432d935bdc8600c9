package io.lockstep.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockstep.lifecycle.ControlCommand.Kind;
import io.lockstep.lifecycle.ControlCommand.Mode;
import io.lockstep.lifecycle.Deployment.Candidate;
import io.lockstep.lifecycle.Deployment.Model;
import io.lockstep.lifecycle.Deployment.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class DeploymentTest {
  private static final Model V1 = model("1");
  private static final Model V2 = model("2");
  private static final Model V3 = model("3");

  private static Model model(String version) {
    return new Model("churn", version, "/models/churn-" + version, version.repeat(64));
  }

  private static ControlCommand deploy(Model m, Mode mode, Double percent) {
    return ControlCommand.deploy(m.name(), m.bundle(), m.sha256(), mode, percent);
  }

  private static Deployment accepted(Result r) {
    assertThat(r.rejection()).isNull();
    assertThat(r.isAccepted()).isTrue();
    return r.next();
  }

  private static String rejected(Result r) {
    assertThat(r.isAccepted()).isFalse();
    assertThat(r.next()).isNull();
    return r.rejection();
  }

  @Test
  void deployAsPrimaryReplacesThePrimaryAndRemembersThePreviousOne() {
    Deployment d = accepted(Deployment.of(V1).apply(deploy(V2, Mode.PRIMARY, null), V2));
    assertThat(d).isEqualTo(new Deployment(V2, null, V1));
  }

  @Test
  void deployAsPrimaryDropsACandidate() {
    Deployment withShadow = new Deployment(V1, new Candidate(V2, Mode.SHADOW, null), null);
    assertThat(accepted(withShadow.apply(deploy(V3, Mode.PRIMARY, null), V3))).isEqualTo(new Deployment(V3, null, V1));
  }

  @Test
  void shadowThenCanaryThenPromote() {
    Deployment shadow = accepted(Deployment.of(V1).apply(deploy(V2, Mode.SHADOW, null), V2));
    assertThat(shadow.candidate()).isEqualTo(new Candidate(V2, Mode.SHADOW, null));
    assertThat(shadow.primary()).isEqualTo(V1);
    Deployment canary = accepted(shadow.apply(deploy(V2, Mode.CANARY, 10.0), V2));
    assertThat(canary.candidate()).isEqualTo(new Candidate(V2, Mode.CANARY, 10.0));
    Deployment wider = accepted(canary.apply(deploy(V2, Mode.CANARY, 50.0), V2));
    assertThat(wider.candidate().percent()).isEqualTo(50.0);
    Deployment promoted = accepted(wider.apply(ControlCommand.of("churn", Kind.PROMOTE)));
    assertThat(promoted).isEqualTo(new Deployment(V2, null, V1));
  }

  @Test
  void rollbackRestoresThePreviousPrimaryAndDropsTheCandidate() {
    Deployment d = new Deployment(V2, new Candidate(V3, Mode.CANARY, 5.0), V1);
    assertThat(accepted(d.apply(ControlCommand.of("churn", Kind.ROLLBACK)))).isEqualTo(Deployment.of(V1));
  }

  @Test
  void rollbackWithoutPreviousPrimaryDropsOnlyTheCandidate() {
    Deployment d = new Deployment(V1, new Candidate(V2, Mode.SHADOW, null), null);
    assertThat(accepted(d.apply(ControlCommand.of("churn", Kind.ROLLBACK)))).isEqualTo(Deployment.of(V1));
  }

  @Test
  void rollbackWithNothingToRollBackIsRejected() {
    assertThat(rejected(Deployment.of(V1).apply(ControlCommand.of("churn", Kind.ROLLBACK))))
        .isEqualTo("nothing to roll back: churn has no previous primary and no candidate (primary churn@1)");
    Deployment rolledBack = accepted(new Deployment(V2, null, V1).apply(ControlCommand.of("churn", Kind.ROLLBACK)));
    assertThat(rejected(rolledBack.apply(ControlCommand.of("churn", Kind.ROLLBACK)))).startsWith("nothing to roll back");
  }

  @Test
  void promoteWithoutCandidateIsRejected() {
    assertThat(rejected(new Deployment(V2, null, V1).apply(ControlCommand.of("churn", Kind.PROMOTE))))
        .isEqualTo("nothing to promote: churn has no shadow or canary candidate (primary churn@2)");
  }

  @Test
  void commandsForAnotherNameAreRejected() {
    assertThat(rejected(Deployment.of(V1).apply(ControlCommand.of("fraud", Kind.PROMOTE))))
        .isEqualTo("command is for 'fraud' but this job scores 'churn'");
  }

  @Test
  void aBundleWithAnotherNameIsRejected() {
    Model fraud = new Model("fraud", "2", "/models/fraud", "f".repeat(64));
    ControlCommand c = ControlCommand.deploy("churn", fraud.bundle(), fraud.sha256(), Mode.SHADOW, null);
    assertThat(rejected(Deployment.of(V1).apply(c, fraud))).contains("is named 'fraud', not 'churn'");
  }

  @Test
  void aBundleWhoseShaIsNotTheCommandsIsRejected() {
    ControlCommand c = ControlCommand.deploy("churn", V2.bundle(), "e".repeat(64), Mode.PRIMARY, null);
    assertThat(rejected(Deployment.of(V1).apply(c, V2))).contains("sha256 of bundle.yaml is " + V2.sha256())
        .contains("the command says " + "e".repeat(64));
  }

  @Test
  void redeployingThePrimaryOrTheSameCandidateIsRejected() {
    assertThat(rejected(Deployment.of(V1).apply(deploy(V1, Mode.PRIMARY, null), V1))).contains("is already the primary");
    assertThat(rejected(Deployment.of(V1).apply(deploy(V1, Mode.SHADOW, null), V1))).contains("is the primary");
    Deployment shadow = new Deployment(V1, new Candidate(V2, Mode.SHADOW, null), null);
    assertThat(rejected(shadow.apply(deploy(V2, Mode.SHADOW, null), V2))).isEqualTo("churn@2 shadow is already the candidate");
  }

  @Test
  void aNewCandidateReplacesTheOldOneAndKeepsThePrevious() {
    Deployment d = new Deployment(V2, new Candidate(V1, Mode.SHADOW, null), V1);
    assertThat(accepted(d.apply(deploy(V3, Mode.CANARY, 1.0), V3))).isEqualTo(new Deployment(V2, new Candidate(V3, Mode.CANARY, 1.0), V1));
  }

  @Test
  void deployWithoutTheLoadedBundleIsAProgrammingError() {
    assertThatThrownBy(() -> Deployment.of(V1).apply(deploy(V2, Mode.PRIMARY, null))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    Deployment d = new Deployment(V2, new Candidate(V3, Mode.CANARY, 10.0), V1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(d);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(d);
    }
    assertThat(d.describe()).isEqualTo("churn@2 (candidate churn@3 canary 10%, previous churn@1)");
  }
}
