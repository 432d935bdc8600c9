package io.lockstep.batch.local;

import io.lockstep.golden.GoldenFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs for the dead-letter tests of every batch level, built from the golden {@code lr} fixture's
 * rows that score (so the expected outcome of each line is known without running the code under test).
 */
public final class HostileInputs {
  private HostileInputs() {}

  /** The golden lr CSV's header and its first {@code n} lines that the oracle scores. */
  public static List<String> goodLines(int n) throws IOException {
    GoldenFixture fx = GoldenFixture.of("lr");
    List<String> all = Files.readAllLines(fx.inputCsv());
    List<String> out = new ArrayList<>();
    for (int line = 2; line <= all.size() && out.size() < n; line++) {
      if (fx.expected().containsKey(line)) {
        out.add(all.get(line - 1));
      }
    }
    return out;
  }

  public static String header() throws IOException {
    return Files.readAllLines(GoldenFixture.of("lr").inputCsv()).get(0);
  }

  /** A row whose {@code tenure_months} (an int) is {@code digits} nines: {@code decode:tenure_months}, {@code digits}+ bytes long. */
  public static String hugeUndecodableRow(int digits) {
    return "C999999," + "9".repeat(digits) + ",77.01,1928.98,0,7.0,50,US,33,False";
  }

  /** A row whose {@code tenure_months} is not a number: {@code decode:tenure_months}. */
  public static String badRow(int i) {
    return "B" + i + ",abc,77.01,1928.98,0,7.0,50,US,33,False";
  }

  /** Writes {@code good} scoring lines with {@code bad} rows spread evenly among them (bad ones first when equal). */
  public static Path mixed(Path file, int good, int bad) throws IOException {
    List<String> goods = goodLines(good);
    List<String> lines = new ArrayList<>();
    lines.add(header());
    int g = 0;
    for (int b = 0; b < bad || g < goods.size(); ) {
      if (b < bad && (g >= goods.size() || (long) b * goods.size() <= (long) g * bad)) {
        lines.add(badRow(b++));
      } else {
        lines.add(goods.get(g++));
      }
    }
    Files.write(file, lines);
    return file;
  }
}
