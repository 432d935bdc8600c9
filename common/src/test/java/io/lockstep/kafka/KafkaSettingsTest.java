package io.lockstep.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
  static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"lockstep\" password=\"s3cr3t-pw\";";

  @Test
  void readsTheCommandConfigFormatAndOverridesItWithProperties(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "# Kafka tools' --command-config\nsecurity.protocol=SASL_SSL\nsasl.mechanism = SCRAM-SHA-512\n"
        + "sasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n");
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("sasl.mechanism", "SCRAM-SHA-256");
    overrides.put("client.rack", "a=b");
    KafkaSettings s = KafkaSettings.load(file, overrides);
    assertThat(s.properties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("client.rack", "a=b").containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void secretsAreMaskedInEveryTextButTheClientConfiguration() {
    KafkaSettings s = KafkaSettings.load(null, Map.of("sasl.jaas.config", JAAS, "ssl.truststore.password", "tspw-123",
        "ssl.keystore.location", "/k.jks", "my.client.secret", "topsecret"));
    assertThat(s.describe()).contains("ssl.keystore.location=/k.jks").contains("sasl.jaas.config=****")
        .doesNotContain("s3cr3t-pw").doesNotContain("tspw-123").doesNotContain("topsecret");
    assertThat(s.toString()).isEqualTo(s.describe());
    assertThat(s.redact("login failed for password s3cr3t-pw with " + JAAS + " and tspw-123"))
        .doesNotContain("s3cr3t-pw").doesNotContain("tspw-123").contains("****");
    assertThat(s.properties()).containsEntry("ssl.truststore.password", "tspw-123");
  }

  @Test
  void keysNamingPasswordsSecretsOrJaasAreSecret() {
    assertThat(List.of("ssl.key.password", "sasl.jaas.config", "SSL.TRUSTSTORE.PASSWORD", "sasl.oauthbearer.client.secret"))
        .allMatch(KafkaSettings::isSecret);
    assertThat(List.of("security.protocol", "sasl.mechanism", "ssl.truststore.location")).noneMatch(KafkaSettings::isSecret);
  }

  @Test
  void clientDefaultsYieldToTheUserAndTheCallersContractWins() {
    KafkaSettings s = KafkaSettings.load(null, Map.of("linger.ms", "20", "bootstrap.servers", "elsewhere:9092"));
    assertThat(s.over(Map.of("linger.ms", "1", "acks", "all"), Map.of("bootstrap.servers", "here:9092")))
        .containsEntry("linger.ms", "20").containsEntry("acks", "all").containsEntry("bootstrap.servers", "here:9092");
  }

  @Test
  void anUnreadableFileIsOneLineNamingIt(@TempDir Path dir) {
    assertThatThrownBy(() -> KafkaSettings.load(dir.resolve("missing.properties"), Map.of()))
        .hasMessage("--kafka-config " + dir.resolve("missing.properties") + ": no such file");
    assertThatThrownBy(() -> KafkaSettings.load(dir, Map.of())).hasMessageStartingWith("--kafka-config " + dir + ": cannot read");
  }
}
