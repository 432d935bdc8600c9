package io.lockstep.batch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockstep.avro.AvroCodec;
import io.lockstep.avro.InputFormat;
import io.lockstep.avro.JsonRecordDecoder;
import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RawRecord;
import io.lockstep.batch.io.RecordSource;
import io.lockstep.batch.io.RecordSources;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.golden.GoldenFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 8, without a broker: what {@code lockstep produce --input-format json} puts in a
 * Kafka value decodes, in the job's decoder, to the reason {@code lockstep score} gives the same
 * row (jobs-streaming's ProduceParityIT runs it for real, with a broker and the job).
 */
class ProduceEncodingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final Bundle bundle = BundleLoader.load(GoldenFixture.of("lr").bundle());
  private final AvroCodec codec = new AvroCodec(bundle.inputSchema());
  private final JsonRecordDecoder job = new JsonRecordDecoder(bundle.inputSchema(), List.of());

  private List<RawRecord> read(Path file) throws IOException {
    List<RawRecord> out = new ArrayList<>();
    try (RecordSource s = RecordSources.open(file, FileFormat.of(file.toString()), bundle.inputSchema(), List.of())) {
      RawRecord r;
      while ((r = s.next()) != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aCsvRowThatDoesNotDecodeIsSentAsJsonGivingTheJobTheSameReason() throws IOException {
    String header = "customer_id,tenure_months,monthly_charges,total_charges,support_calls,days_since_login,discount_pct,country,"
        + "age,paperless_billing\n";
    Path csv = Files.writeString(tmp.resolve("rows.csv"), header
        + "A1,12,70.5,,1,3.0,0.1,FR,4o,true\n"       // decode:age
        + "A2,12,70.5,800,1,3.0,0.1,FR,40,maybe\n"   // decode:paperless_billing
        + ",12,70.5,800,1,3.0,0.1,FR,40,true\n"       // schema:customer_id
        + "A4,1e3,70.5,800,1,3.0,0.1,FR,40,true\n");  // decode:tenure_months
    for (RawRecord r : read(csv)) {
      byte[] value = ProduceCommand.encode(InputFormat.JSON, FileFormat.CSV, r, codec);
      assertThat(job.decode(value).reason()).as(r.source()).isEqualTo(r.decoded().reason());
      JsonNode n = JSON.readTree(value);
      assertThat(n.get("tenure_months").isNumber() || r.decoded().reason().toString().equals("decode:tenure_months")).isTrue();
      assertThat(n.get("total_charges").isNull() || n.get("total_charges").isNumber()).isTrue();
    }
  }

  @Test
  void aJsonLineIsSentAsItsBytesEvenWhenNotUtf8() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    byte[] line1 = ("{\"customer_id\":\"J1\",\"tenure_months\":12,\"monthly_charges\":7.05e1,\"discount_pct\":0.1,"
        + "\"country\":\"FR\",\"age\":40,\"paperless_billing\":true}").getBytes(StandardCharsets.UTF_8);
    byte[] line2 = "{\"customer_id\":\"J\u00ff2\",\"age\":40}".getBytes(StandardCharsets.ISO_8859_1);
    file.writeBytes(line1);
    file.write('\n');
    file.writeBytes(line2);
    file.write('\n');
    Path jsonl = Files.write(tmp.resolve("rows.jsonl"), file.toByteArray());
    List<RawRecord> rows = read(jsonl);
    assertThat(ProduceCommand.encode(InputFormat.JSON, FileFormat.JSONL, rows.get(0), codec)).isEqualTo(line1);
    assertThat(ProduceCommand.encode(InputFormat.JSON, FileFormat.JSONL, rows.get(1), codec)).isEqualTo(line2);
    assertThat(job.decode(line2).reason()).isEqualTo(rows.get(1).decoded().reason());
    assertThat(ProduceCommand.encode(InputFormat.AVRO, FileFormat.JSONL, rows.get(1), codec)).isNull();
  }
}
