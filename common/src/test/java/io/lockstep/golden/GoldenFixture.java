package io.lockstep.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * One golden fixture of {@code common}'s test-jar ({@code golden/<name>/}): a bundle, a raw input
 * and the expected outputs computed by the training library (never by Lockstep). Every level's
 * parity tests read fixtures through this class, so they all check the same files.
 *
 * <p>Layout: {@code bundle/}, {@code input.csv} (header is line 1), {@code expected.csv} with
 * columns {@code line, key, f0..f<F-1>, <prediction fields...>} for every good row, and
 * {@code expected_deadletters.csv} with {@code line, reason} for every bad row.
 */
public final class GoldenFixture {
  public static final List<String> ROW_FIXTURES = List.of("lr", "trees", "mlp");
  public static final List<String> ALL = List.of("lr", "trees", "mlp", "windows");

  private static Path root;

  private final String name;
  private final Path dir;

  private GoldenFixture(String name, Path dir) {
    this.name = name;
    this.dir = dir;
  }

  public static GoldenFixture of(String name) {
    Path d = root().resolve(name);
    if (!Files.isDirectory(d)) {
      throw new IllegalArgumentException("no golden fixture '" + name + "' under " + root());
    }
    return new GoldenFixture(name, d);
  }

  public String name() {
    return name;
  }

  public Path dir() {
    return dir;
  }

  public Path bundle() {
    return dir.resolve("bundle");
  }

  public Path inputCsv() {
    return dir.resolve("input.csv");
  }

  /** Expected rows by input line number. */
  public Map<Integer, Expected> expected() {
    List<String[]> rows = readCsv(dir.resolve("expected.csv"));
    String[] header = rows.get(0);
    List<Integer> featureCols = new ArrayList<>();
    List<String> predictionNames = new ArrayList<>();
    List<Integer> predictionCols = new ArrayList<>();
    for (int i = 0; i < header.length; i++) {
      if (header[i].matches("f[0-9]+")) {
        featureCols.add(i);
      } else if (!header[i].equals("line") && !header[i].equals("key")) {
        predictionNames.add(header[i]);
        predictionCols.add(i);
      }
    }
    int keyCol = List.of(header).indexOf("key");
    Map<Integer, Expected> out = new LinkedHashMap<>();
    for (String[] r : rows.subList(1, rows.size())) {
      float[] f = new float[featureCols.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = Float.parseFloat(r[featureCols.get(i)]);
      }
      Map<String, String> preds = new LinkedHashMap<>();
      for (int i = 0; i < predictionNames.size(); i++) {
        preds.put(predictionNames.get(i), r[predictionCols.get(i)]);
      }
      int line = Integer.parseInt(r[0]);
      out.put(line, new Expected(line, keyCol < 0 || r[keyCol].isEmpty() ? null : r[keyCol], f, preds));
    }
    return out;
  }

  /** Expected dead-letter reasons by input line number. */
  public Map<Integer, String> expectedDeadLetters() {
    List<String[]> rows = readCsv(dir.resolve("expected_deadletters.csv"));
    Map<Integer, String> out = new LinkedHashMap<>();
    for (String[] r : rows.subList(1, rows.size())) {
      out.put(Integer.parseInt(r[0]), r[1]);
    }
    return out;
  }

  /** One good row: its features as the reference computed them, and the expected predictions as text. */
  public record Expected(int line, String key, float[] features, Map<String, String> predictions) {
    public double prediction(String field) {
      return Double.parseDouble(predictions.get(field));
    }
  }

  private static List<String[]> readCsv(Path p) {
    try {
      List<String[]> out = new ArrayList<>();
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        if (!line.isEmpty()) {
          out.add(line.split(",", -1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code golden/} directory: on disk in a reactor build, extracted once from the test-jar otherwise. */
  public static synchronized Path root() {
    if (root != null) {
      return root;
    }
    URL url = GoldenFixture.class.getClassLoader().getResource("golden/lr/input.csv");
    if (url == null) {
      throw new IllegalStateException("golden fixtures not on the classpath: depend on lockstep-common's test-jar");
    }
    try {
      if (url.getProtocol().equals("file")) {
        root = Paths.get(url.toURI()).getParent().getParent();
      } else {
        root = extract(((JarURLConnection) url.openConnection()).getJarFile());
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot locate golden fixtures: " + e.getMessage(), e);
    }
    return root;
  }

  private static Path extract(JarFile jar) throws IOException {
    Path tmp = Files.createTempDirectory("lockstep-golden-");
    Enumeration<JarEntry> entries = jar.entries();
    while (entries.hasMoreElements()) {
      JarEntry e = entries.nextElement();
      if (!e.getName().startsWith("golden/") || e.isDirectory()) {
        continue;
      }
      Path target = tmp.resolve(e.getName());
      Files.createDirectories(target.getParent());
      try (InputStream in = jar.getInputStream(e)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return tmp.resolve("golden");
  }
}
