package io.lockstep.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleException;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.bundle.Sha256;
import io.lockstep.golden.GoldenFixture;
import io.lockstep.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 13: the bundle loader against mutated bundles, seeded ({@link Mutator#seed()}). The
 * mutated {@code features.yaml} and {@code input.avsc} get their true sha256 in {@code bundle.yaml},
 * so the parsers behind the checksum are exercised too. Property: a load returns a bundle or throws
 * {@link BundleException} / {@link SpecException} with a one-line message; nothing else escapes.
 */
class BundleLoaderFuzzTest {
  private static final List<String> FILES = List.of("bundle.yaml", "features.yaml", "input.avsc");

  @TempDir
  Path tmp;

  private static void assertLoadsOrRefusesInOneLine(Path bundle, String what) {
    try {
      Bundle b = BundleLoader.load(bundle);
      assertThat(b.spec()).isNotNull();
      assertThat(b.inputSchema()).isNotNull();
    } catch (BundleException | SpecException e) {
      assertThat(e.getMessage()).as(what).isNotBlank().doesNotContain("\n");
    } catch (Throwable t) {
      throw new AssertionError(what + ": " + t + " escaped the bundle loader", t);
    }
  }

  @Test
  void mutatedBundleFilesAreLoadedOrRefusedInOneLine() throws IOException {
    long seed = Mutator.seed();
    Random random = new Random(seed);
    Mutator mutator = new Mutator(random);
    for (String fixture : GoldenFixture.ALL) {
      Path source = GoldenFixture.of(fixture).bundle();
      for (int i = 0; i < Mutator.cases(30); i++) {
        Path dir = copy(source, tmp.resolve(fixture + "-" + i));
        String target = FILES.get(random.nextInt(FILES.size()));
        Path file = dir.resolve(target);
        Files.write(file, mutator.mutate(Files.readAllBytes(file)));
        if (!target.equals("bundle.yaml")) {
          resign(dir, target);
        }
        assertLoadsOrRefusesInOneLine(dir, fixture + " " + target + " (seed " + seed + ", case " + i + ")");
      }
    }
  }

  @Test
  void mutatedBundleZipsAreLoadedOrRefusedInOneLine() throws IOException {
    long seed = Mutator.seed();
    Random random = new Random(seed + 1);
    Mutator mutator = new Mutator(random);
    byte[] zip = zip(GoldenFixture.of("lr").bundle());
    for (int i = 0; i < Mutator.cases(40); i++) {
      Path z = Files.write(tmp.resolve("b" + i + ".zip"), mutator.mutate(zip));
      assertLoadsOrRefusesInOneLine(z, "zip (seed " + seed + ", case " + i + ")");
    }
  }

  /** Replaces the sha256 of {@code name} in bundle.yaml with the file's true one. */
  private static void resign(Path dir, String name) throws IOException {
    Path yaml = dir.resolve("bundle.yaml");
    String text = Files.readString(yaml);
    String sha = Sha256.of(dir.resolve(name));
    Files.writeString(yaml, text.replaceAll("(?m)^(\\s*" + java.util.regex.Pattern.quote(name) + ":\\s*)[0-9a-f]{64}", "$1" + sha));
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static byte[] zip(Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out); Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        z.putNextEntry(new ZipEntry("bundle/" + f.getFileName()));
        z.write(Files.readAllBytes(f));
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

}
