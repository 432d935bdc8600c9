package io.lockstep.bundle;

import io.lockstep.spec.BoundedYaml;
import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.SpecException;
import io.lockstep.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Loads a bundle directory (or a {@code .zip} of one) and refuses anything tampered, incomplete or
 * hostile (docs/spec.md, Bundle layout, Zip bundles, Symbolic links, YAML limits):
 * <ul>
 *   <li>every file listed under {@code sha256:} must exist and match, and {@code features.yaml},
 *       {@code input.avsc} and {@code model.onnx} must be listed;</li>
 *   <li>every file read must resolve, symbolic links followed, inside the bundle directory, so a
 *       link to {@code /etc/passwd} is refused before a byte of it is read;</li>
 *   <li>YAML is read with {@link BoundedYaml}'s size and depth limits, a zip within {@link BundleLimits}.</li>
 * </ul>
 * The small files are verified and parsed before the model's sha256 is computed, so a broken or
 * hostile spec fails fast, whatever the model's size. Every
 * error names the file as the user knows it ({@code /models/churn/features.yaml},
 * {@code churn.zip!/input.avsc}). The model itself is checked against the spec when a scorer opens
 * it ({@link io.lockstep.score.OnnxScorer}).
 */
public final class BundleLoader {
  static final List<String> REQUIRED = List.of(Bundle.FEATURES_YAML, Bundle.INPUT_AVSC, Bundle.MODEL_ONNX);
  /** Largest {@code input.avsc}, in bytes: a schema is text of a few kB. */
  static final long MAX_SCHEMA_BYTES = BoundedYaml.MAX_BYTES;

  private BundleLoader() {}

  /** Loads the bundle directory or {@code .zip} at {@code path}; a zip is extracted once per JVM. */
  public static Bundle load(Path path) {
    if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".zip")) {
      return loadZip(path);
    }
    if (!Files.isDirectory(path)) {
      throw new BundleException(path + ": no such bundle directory (or .zip)");
    }
    return loadDirectory(path, path.toString());
  }

  private static Bundle loadZip(Path zip) {
    String sha;
    try {
      sha = Sha256.of(zip);
    } catch (IOException e) {
      throw new BundleException(zip + ": cannot read: " + e.getMessage(), e);
    }
    return ExtractedBundles.load(sha, zip.toString(), () -> Files.newInputStream(zip));
  }

  /** Loads the bundle in {@code dir}; {@code origin} is how messages name it. */
  static Bundle loadDirectory(Path dir, String origin) {
    Path root = realDirectory(dir, origin);
    Path yaml = inside(root, Bundle.BUNDLE_YAML, origin, origin + ": not a bundle: " + Bundle.BUNDLE_YAML
        + " is missing (write one with `lockstep bundle`)");
    String yamlName = Bundle.where(origin, Bundle.BUNDLE_YAML);
    Map<String, Object> meta = readYaml(yaml, yamlName);
    String name = required(meta, "name", yamlName);
    String version = required(meta, "version", yamlName);
    Object createdNode = meta.get("created");
    String created = createdNode == null ? null : String.valueOf(createdNode);
    Object desc = meta.get("description");
    Map<String, String> sha = sha256Section(meta, yamlName);
    for (String file : REQUIRED) {
      if (!sha.containsKey(file)) {
        throw new BundleException(yamlName + ": sha256: does not list " + file + "; every bundle file must be listed (rewrite it with `lockstep bundle`)");
      }
    }
    for (String file : sha.keySet()) {
      if (!file.equals(Bundle.MODEL_ONNX)) {
        verify(root, file, sha.get(file), origin);
      }
    }
    Schema schema = readSchema(root.resolve(Bundle.INPUT_AVSC), Bundle.where(origin, Bundle.INPUT_AVSC));
    FeatureSpec spec;
    try {
      spec = SpecParser.parse(root.resolve(Bundle.FEATURES_YAML), Bundle.where(origin, Bundle.FEATURES_YAML), schema);
    } catch (SpecException e) {
      throw new BundleException(e.getMessage(), e);
    }
    verify(root, Bundle.MODEL_ONNX, sha.get(Bundle.MODEL_ONNX), origin);
    String identity;
    try {
      identity = Sha256.of(yaml);
    } catch (IOException e) {
      throw new BundleException(yamlName + ": cannot read: " + e.getMessage(), e);
    }
    return new Bundle(root, origin, name, version, created, desc == null ? "" : String.valueOf(desc), spec, schema,
        sha, identity);
  }

  private static Path realDirectory(Path dir, String origin) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      throw new BundleException(origin + ": no such bundle directory (or .zip)");
    }
  }

  /**
   * The real path of {@code file} in the bundle, refused unless it is a regular file inside
   * {@code root} with every symbolic link resolved. Only the link's target path is named, never its content.
   */
  private static Path inside(Path root, String file, String origin, String whenMissing) {
    String where = Bundle.where(origin, file);
    Path p = root.resolve(file).normalize();
    if (!p.startsWith(root)) {
      throw new BundleException(Bundle.where(origin, Bundle.BUNDLE_YAML) + " lists '" + file + "' outside the bundle directory");
    }
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new BundleException(whenMissing);
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      throw new BundleException(where + ": is a symbolic link to a file that does not exist");
    } catch (IOException e) {
      throw new BundleException(where + ": cannot read: " + e.getMessage(), e);
    }
    if (!real.startsWith(root)) {
      throw new BundleException(where + ": is a symbolic link to " + real + ", outside the bundle; "
          + "a bundle must hold its own files (copy the file in and rebuild it with `lockstep bundle`)");
    }
    if (!Files.isRegularFile(real)) {
      throw new BundleException(where + ": is not a regular file");
    }
    return real;
  }

  private static void verify(Path root, String file, String expected, String origin) {
    Path p = inside(root, file, origin, origin + ": " + file + " is listed in bundle.yaml but missing: the bundle is incomplete");
    String where = Bundle.where(origin, file);
    String actual;
    try {
      actual = Sha256.of(p);
    } catch (IOException e) {
      throw new BundleException(where + ": cannot read: " + e.getMessage(), e);
    }
    if (!actual.equalsIgnoreCase(expected.trim())) {
      throw new BundleException(where + ": sha256 mismatch (bundle.yaml says " + expected + ", file is " + actual
          + "): " + file + " was modified after the bundle was written; restore it or rebuild the bundle with `lockstep bundle`");
    }
  }

  /** Reads an Avro record schema; {@code name} is how messages name the file. */
  static Schema readSchema(Path avsc, String name) {
    try {
      long size = Files.size(avsc);
      if (size > MAX_SCHEMA_BYTES) {
        throw new BundleException(name + ": " + size + " bytes; an Avro schema is limited to " + MAX_SCHEMA_BYTES + " bytes");
      }
      Schema s = new Schema.Parser().parse(Files.readString(avsc));
      if (s.getType() != Schema.Type.RECORD) {
        throw new BundleException(name + ": must be an Avro record schema, got " + s.getType());
      }
      return s;
    } catch (BundleException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BundleException(name + ": not a valid Avro schema: " + oneLine(e.getMessage()), e);
    } catch (StackOverflowError e) {
      throw new BundleException(name + ": not a valid Avro schema: nested too deeply");
    }
  }

  /** Reads the Avro schema at {@code avsc}, named by its path in messages. */
  static Schema readSchema(Path avsc) {
    return readSchema(avsc, avsc.toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path yaml, String name) {
    Object root;
    try {
      root = BoundedYaml.load(yaml, name);
    } catch (SpecException e) {
      throw new BundleException(e.getMessage(), e);
    }
    if (!(root instanceof Map)) {
      throw new BundleException(name + ": must be a mapping with name, version, created, sha256");
    }
    return (Map<String, Object>) root;
  }

  private static String required(Map<String, Object> meta, String key, String yaml) {
    Object v = meta.get(key);
    if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
      throw new BundleException(yaml + ": needs " + key + ": (a string)");
    }
    return String.valueOf(v);
  }

  private static Map<String, String> sha256Section(Map<String, Object> meta, String yaml) {
    if (!(meta.get("sha256") instanceof Map<?, ?> m)) {
      throw new BundleException(yaml + ": needs a sha256: mapping of file -> hex digest");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
