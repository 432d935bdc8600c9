package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.batch.ExitCode;
import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11 item 6 at level 1: what CSV rows become through {@code lockstep score}. */
class CsvInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,"
      + "discount_pct,country,age,paperless_billing\n";

  @TempDir
  Path tmp;

  private final GoldenFixture fx = GoldenFixture.of("lr");

  private CliRun score(Path input, Path output) {
    return CliRun.of("score", "--bundle", fx.bundle().toString(), "--input", input.toString(), "--output", output.toString());
  }

  private static String row(String key) {
    return key + ",12,70.5,800.0,1,3.0,0.1,FR,40,true\n";
  }

  @Test
  void aRowWithInvalidUtf8IsADecodeDeadLetterCarryingItsOriginalBytes() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes((HEADER + row("A1")).getBytes(StandardCharsets.UTF_8));
    byte[] bad = row("Z\u00ff\u00fe9").getBytes(StandardCharsets.ISO_8859_1);
    file.writeBytes(bad);
    file.writeBytes(row("B2").getBytes(StandardCharsets.UTF_8));
    Path in = Files.write(tmp.resolve("keys.csv"), file.toByteArray());

    CliRun run = score(in, tmp.resolve("p.csv"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("read 3, scored 2, dead 1");
    List<String> dead = Files.readAllLines(tmp.resolve("p.csv.deadletter.jsonl"));
    JsonNode dl = JSON.readTree(dead.get(0));
    assertThat(dl.get("reason").asText()).isEqualTo("decode:record");
    assertThat(dl.get("source").asText()).isEqualTo("keys.csv:3");
    assertThat(dl.get("original_encoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(dl.get("original").asText()))
        .isEqualTo(java.util.Arrays.copyOf(bad, bad.length - 1));
    assertThat(Files.readString(tmp.resolve("p.csv"))).doesNotContain("\uFFFD");
  }

  @Test
  void anUnclosedQuoteDeadLettersOneRowAndTheRestAreScored() throws IOException {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 700; i++) {
      csv.append(i == 350 ? "C350,12,70.5,800.0,1,3.0,0.1,\"FR,40,true\n" : row("C" + i));
    }
    Path in = Files.writeString(tmp.resolve("quote.csv"), csv);

    CliRun run = score(in, tmp.resolve("p.csv"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("read 700, scored 699, dead 1");
    assertThat(Files.readString(tmp.resolve("p.csv.deadletter.jsonl"))).contains("\"source\":\"quote.csv:352\"")
        .contains("decode:record");
  }

  @Test
  void aHeaderNamingAColumnTwiceStopsTheRunNamingIt() throws IOException {
    Path in = Files.writeString(tmp.resolve("dup.csv"), HEADER.replace("\n", ",age\n") + row("C1").replace("\n", ",41\n"));
    CliRun run = score(in, tmp.resolve("p.csv"));
    assertThat(run.code()).isEqualTo(ExitCode.FAILED.code());
    assertThat(run.err().strip()).contains("dup.csv").contains("'age' twice").doesNotContain("\n");
  }
}
