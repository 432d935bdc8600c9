package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.golden.GoldenFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code lockstep deploy|promote|rollback|status} flags that fail before any Kafka client opens (the broker tests are CliControlIT). */
class ControlCliTest {
  private static final String LR = GoldenFixture.of("lr").bundle().toString();

  @Test
  void aLocalBundlePathIsSentAbsoluteAndUrisAsGiven() {
    assertThat(DeployCommand.jobUri("models/churn-2")).isEqualTo(Path.of("models/churn-2").toAbsolutePath().normalize().toString());
    assertThat(DeployCommand.jobUri("/models/./churn-2")).isEqualTo("/models/churn-2");
    assertThat(DeployCommand.jobUri("file:/models/churn-2")).isEqualTo("file:/models/churn-2");
    assertThat(DeployCommand.jobUri("hdfs://nn:8020/models/churn-2")).isEqualTo("hdfs://nn:8020/models/churn-2");
  }

  @Test
  void percentIsForCanaryOnlyAndWithinZeroToHundred() {
    CliRun noPercent = CliRun.of("deploy", "--bootstrap", "127.0.0.1:1", "--control-topic", "t", "--bundle", LR, "--mode", "canary");
    assertThat(noPercent.code()).isEqualTo(2);
    assertThat(noPercent.err()).contains("--mode canary needs --percent (0..100)");
    CliRun tooMuch = CliRun.of("deploy", "--bootstrap", "127.0.0.1:1", "--control-topic", "t", "--bundle", LR, "--mode", "canary",
        "--percent", "101");
    assertThat(tooMuch.code()).isEqualTo(2);
    assertThat(tooMuch.err()).contains("--percent must be within 0..100, got 101.0");
    CliRun shadow = CliRun.of("deploy", "--bootstrap", "127.0.0.1:1", "--control-topic", "t", "--bundle", LR, "--mode", "shadow",
        "--percent", "5");
    assertThat(shadow.code()).isEqualTo(2);
    assertThat(shadow.err()).contains("--percent applies to --mode canary only");
    CliRun mode = CliRun.of("deploy", "--bootstrap", "127.0.0.1:1", "--control-topic", "t", "--bundle", LR, "--mode", "blue");
    assertThat(mode.code()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode must be primary, shadow or canary, got 'blue'");
  }

  @Test
  void anUnreadableBundleFailsBeforeAnythingIsSent() {
    CliRun run = CliRun.of("deploy", "--bootstrap", "127.0.0.1:1", "--control-topic", "t", "--bundle", "/no/such/bundle");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("/no/such/bundle: no such bundle directory");
  }

  @Test
  void promoteAndRollbackNeedAName() {
    assertThat(CliRun.of("promote", "--bootstrap", "b", "--control-topic", "t").code()).isEqualTo(2);
    CliRun rollback = CliRun.of("rollback", "--bootstrap", "b", "--control-topic", "t", "--name", "churn", "--timeout", "0");
    assertThat(rollback.code()).isEqualTo(2);
    assertThat(rollback.err()).contains("--timeout must be a positive number of seconds");
  }
}
