package io.lockstep.batch.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.io.RecordWriter;
import io.lockstep.batch.io.RecordWriters;
import io.lockstep.batch.local.RunSummary;
import io.lockstep.batch.local.ScoreOptions;
import io.lockstep.batch.local.SingleNodeRunner;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.fuzz.Mutator;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.score.OnnxScorer;
import io.lockstep.score.ScorerOptions;
import io.lockstep.testdata.RandomRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 13 at level 1: mutated input files of every format through {@link SingleNodeRunner},
 * seeded ({@link Mutator#seed()}). Properties: the run either finishes or stops with a one-line
 * {@link IllegalArgumentException} naming the file (a header or footer that cannot be read); when it
 * finishes, every record read is a prediction or a dead letter ({@code read == scored + dead}, and
 * the output files hold exactly that many lines); for JSON lines, every non-blank line is a record.
 */
class FileFuzzTest {
  private static Bundle bundle;
  private static OnnxScorer scorer;

  @TempDir
  Path tmp;

  @BeforeAll
  static void open() {
    bundle = BundleLoader.load(GoldenFixture.of("lr").bundle());
    scorer = OnnxScorer.open(bundle, new ScorerOptions(1, false));
  }

  @AfterAll
  static void close() {
    scorer.close();
  }

  @ParameterizedTest
  @EnumSource(FileFormat.class)
  void mutatedFilesFinishWithEveryRecordAccountedForOrStopInOneLine(FileFormat format) throws IOException {
    long seed = Mutator.seed() ^ format.ordinal();
    Random random = new Random(seed);
    Mutator mutator = new Mutator(random);
    Path clean = tmp.resolve("clean." + format.extension());
    try (RecordWriter w = RecordWriters.open(clean, format, bundle.inputSchema())) {
      for (GenericData.Record r : new RandomRecords(bundle.inputSchema(), seed).next(60)) {
        w.write(r);
      }
    }
    byte[] valid = Files.readAllBytes(clean);
    int finished = 0;
    for (int i = 0; i < Mutator.cases(format == FileFormat.PARQUET ? 10 : 25); i++) {
      byte[] input = mutator.mutate(valid);
      Path in = Files.write(tmp.resolve("in-" + i + "." + format.extension()), input);
      Path out = tmp.resolve("out-" + i + ".jsonl");
      String what = format + " (seed " + seed + ", case " + i + ")";
      RunSummary s;
      try {
        s = new SingleNodeRunner(ScoreOptions.of(GoldenFixture.of("lr").bundle(), in, out, List.of(), 16, 1), null).run(bundle, scorer);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as(what).contains(in.getFileName().toString()).doesNotContain("\n");
        assertThat(out).as(what + ": nothing written").doesNotExist();
        continue;
      } catch (Throwable t) {
        throw new AssertionError(what + ": " + t + " escaped the run", t);
      }
      finished++;
      assertThat(s.scored() + s.dead()).as(what).isEqualTo(s.read());
      assertThat(Files.readAllLines(out)).as(what).hasSize((int) s.scored());
      assertThat(lines(out.resolveSibling(out.getFileName() + ".deadletter.jsonl"))).as(what).isEqualTo(s.dead());
      if (format == FileFormat.JSONL) {
        assertThat(s.read()).as(what).isEqualTo(nonBlankLines(input));
      }
    }
    assertThat(finished).as("most mutated %s files are still read", format).isPositive();
  }

  private static long lines(Path p) throws IOException {
    return Files.readAllLines(p, StandardCharsets.ISO_8859_1).size();
  }

  /** Lines as JSON lines are read: split on \n, one trailing \r dropped, blank if only spaces and tabs. */
  private static long nonBlankLines(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\n", -1);
    long n = 0;
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (i == lines.length - 1 && lines[i].isEmpty()) {
        break;
      }
      if (l.chars().anyMatch(c -> c != ' ' && c != '\t')) {
        n++;
      }
    }
    return n;
  }
}
