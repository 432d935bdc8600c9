package io.lockstep.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode parse(byte[] json) throws Exception {
    return JSON.readTree(json);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void smallOriginalIsWrittenWholeWithoutTruncationFields() throws Exception {
    DeadLetter dl = DeadLetter.ofBytes(Reason.undecodableRecord(), DeadLetter.Level.FLINK, "t/0/1", null, new byte[] {1, 2, 3});
    JsonNode n = parse(dl.toJsonBytes(64));
    assertThat(Base64.getDecoder().decode(n.get("original").asText())).containsExactly(1, 2, 3);
    assertThat(n.has("original_truncated")).isFalse();
    assertThat(n.has("original_bytes")).isFalse();
  }

  @Test
  void bytesOverTheCapKeepTheirPrefixAndAreMarkedWithTheirWholeSize() throws Exception {
    for (int size : new int[] {65_537, 300_000, 900_000, 2_000_000}) {
      byte[] original = random(size, size);
      DeadLetter dl = DeadLetter.ofBytes(Reason.undecodableRecord(), DeadLetter.Level.FLINK, "t/0/" + size, null, original);
      JsonNode n = parse(dl.toJsonBytes());
      byte[] kept = Base64.getDecoder().decode(n.get("original").asText());
      assertThat(kept).hasSize(DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES);
      assertThat(kept).isEqualTo(Arrays.copyOf(original, kept.length));
      assertThat(n.get("original_truncated").asBoolean()).isTrue();
      assertThat(n.get("original_bytes").asLong()).isEqualTo(size);
      assertThat(n.get("original_encoding").asText()).isEqualTo("base64");
    }
  }

  @Test
  void textIsCutAtACharacterBoundaryAndCountedInUtf8Bytes() throws Exception {
    String line = "ab€𝄞".repeat(1000);           // 1 + 1 + 3 + 4 bytes per repeat
    DeadLetter dl = DeadLetter.ofText(Reason.decode("x"), DeadLetter.Level.SINGLE_NODE, "f.csv:2", "k", line);
    for (int cap : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 8999}) {
      JsonNode n = parse(dl.toJsonBytes(cap));
      String kept = n.get("original").asText();
      assertThat(line).startsWith(kept);
      assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(cap);
      assertThat(line.substring(0, kept.length() + Character.charCount(line.codePointAt(kept.length())))
          .getBytes(StandardCharsets.UTF_8).length).as("cap %d keeps the longest prefix", cap).isGreaterThan(cap);
      assertThat(n.get("original_truncated").asBoolean()).isTrue();
      assertThat(n.get("original_bytes").asLong()).isEqualTo(9000);
    }
    assertThat(parse(dl.toJsonBytes(9000)).has("original_truncated")).isFalse();
  }

  @Test
  void hugeKeyIsCutAndMarked() throws Exception {
    String key = "k".repeat(100_000);
    JsonNode n = parse(DeadLetter.ofText(Reason.nan("f"), DeadLetter.Level.SPARK, "s", key, "x").toJsonBytes());
    assertThat(n.get("key").asText()).hasSize(DeadLetter.MAX_KEY_BYTES);
    assertThat(n.get("key_truncated").asBoolean()).isTrue();
  }

  @Test
  void fittingCutsTheOriginalFurtherSoTheWholeJsonStaysUnderTheLimit() throws Exception {
    for (int limit : new int[] {2_000, 10_000, 50_000, 87_000, 1_000_000}) {
      byte[] original = random(900_000, limit);
      DeadLetter dl = DeadLetter.ofBytes(Reason.undecodableRecord(), DeadLetter.Level.FLINK, "t/0/9", "key", original);
      byte[] json = dl.toJsonBytesAtMost(DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES, limit);
      assertThat(json.length).isLessThanOrEqualTo(limit);
      JsonNode n = parse(json);
      byte[] kept = Base64.getDecoder().decode(n.get("original").asText());
      assertThat(kept).isEqualTo(Arrays.copyOf(original, kept.length));
      assertThat(kept.length).isLessThanOrEqualTo(DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES);
      assertThat(n.get("original_bytes").asLong()).isEqualTo(900_000);
      // it keeps as much as fits: within a few base64 quanta of the limit, or the whole cap
      assertThat(kept.length == DeadLetterPolicy.DEFAULT_MAX_ORIGINAL_BYTES || json.length > limit - 64)
          .as("limit %d kept %d json %d", limit, kept.length, json.length).isTrue();
    }
  }
}
