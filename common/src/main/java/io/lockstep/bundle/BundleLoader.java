package io.lockstep.bundle;

import io.lockstep.spec.FeatureSpec;
import io.lockstep.spec.SpecException;
import io.lockstep.spec.SpecParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads a bundle directory (or a {@code .zip} of one) and refuses anything tampered or incomplete:
 * every file listed under {@code sha256:} must exist and match, and {@code features.yaml},
 * {@code input.avsc} and {@code model.onnx} must be listed. The model itself is checked against the
 * spec when a scorer opens it ({@link io.lockstep.score.OnnxScorer}).
 */
public final class BundleLoader {
  static final List<String> REQUIRED = List.of(Bundle.FEATURES_YAML, Bundle.INPUT_AVSC, Bundle.MODEL_ONNX);

  private BundleLoader() {}

  public static Bundle load(Path path) {
    Path dir = path;
    if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".zip")) {
      dir = unzip(path);
    }
    if (!Files.isDirectory(dir)) {
      throw new BundleException(path + ": no such bundle directory (or .zip)");
    }
    Path yaml = dir.resolve(Bundle.BUNDLE_YAML);
    if (!Files.isRegularFile(yaml)) {
      throw new BundleException(path + ": not a bundle: " + Bundle.BUNDLE_YAML + " is missing (write one with `lockstep bundle`)");
    }
    Map<String, Object> meta = readYaml(yaml);
    String name = required(meta, "name", yaml);
    String version = required(meta, "version", yaml);
    Object createdNode = meta.get("created");
    String created = createdNode == null ? null : String.valueOf(createdNode);
    Object desc = meta.get("description");
    Map<String, String> sha = sha256Section(meta, yaml);
    for (String file : REQUIRED) {
      if (!sha.containsKey(file)) {
        throw new BundleException(yaml + ": sha256: does not list " + file + "; every bundle file must be listed (rewrite it with `lockstep bundle`)");
      }
    }
    for (Map.Entry<String, String> e : sha.entrySet()) {
      verify(dir, e.getKey(), e.getValue());
    }
    Schema schema = readSchema(dir.resolve(Bundle.INPUT_AVSC));
    FeatureSpec spec;
    try {
      spec = SpecParser.parse(dir.resolve(Bundle.FEATURES_YAML), schema);
    } catch (SpecException e) {
      throw new BundleException(dir.resolve(Bundle.FEATURES_YAML).getParent().getFileName() + "/" + e.getMessage(), e);
    }
    return new Bundle(dir.toAbsolutePath(), name, version, created, desc == null ? "" : String.valueOf(desc), spec, schema, sha);
  }

  private static void verify(Path dir, String file, String expected) {
    Path p = dir.resolve(file).normalize();
    if (!p.startsWith(dir.normalize())) {
      throw new BundleException(Bundle.BUNDLE_YAML + " lists '" + file + "' outside the bundle directory");
    }
    if (!Files.isRegularFile(p)) {
      throw new BundleException(dir + ": " + file + " is listed in bundle.yaml but missing: the bundle is incomplete");
    }
    String actual;
    try {
      actual = Sha256.of(p);
    } catch (IOException e) {
      throw new BundleException(p + ": cannot read: " + e.getMessage(), e);
    }
    if (!actual.equalsIgnoreCase(expected.trim())) {
      throw new BundleException(p + ": sha256 mismatch (bundle.yaml says " + expected + ", file is " + actual
          + "): " + file + " was modified after the bundle was written; restore it or rebuild the bundle with `lockstep bundle`");
    }
  }

  static Schema readSchema(Path avsc) {
    try {
      Schema s = new Schema.Parser().parse(avsc.toFile());
      if (s.getType() != Schema.Type.RECORD) {
        throw new BundleException(avsc + ": must be an Avro record schema, got " + s.getType());
      }
      return s;
    } catch (IOException | SchemaParseException e) {
      throw new BundleException(avsc + ": not a valid Avro schema: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readYaml(Path yaml) {
    try {
      Object root = new Load(LoadSettings.builder().setSchema(new CoreSchema()).build()).loadFromString(Files.readString(yaml));
      if (!(root instanceof Map)) {
        throw new BundleException(yaml + ": must be a mapping with name, version, created, sha256");
      }
      return (Map<String, Object>) root;
    } catch (IOException e) {
      throw new BundleException(yaml + ": cannot read: " + e.getMessage(), e);
    } catch (YamlEngineException e) {
      throw new BundleException(yaml + ": not valid YAML: " + e.getMessage(), e);
    }
  }

  private static String required(Map<String, Object> meta, String key, Path yaml) {
    Object v = meta.get(key);
    if (v == null || v instanceof Map || v instanceof List || String.valueOf(v).isBlank()) {
      throw new BundleException(yaml + ": needs " + key + ": (a string)");
    }
    return String.valueOf(v);
  }

  private static Map<String, String> sha256Section(Map<String, Object> meta, Path yaml) {
    if (!(meta.get("sha256") instanceof Map<?, ?> m)) {
      throw new BundleException(yaml + ": needs a sha256: mapping of file -> hex digest");
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }

  private static Path unzip(Path zip) {
    try {
      Path dir = Files.createTempDirectory("lockstep-bundle-");
      try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
        ZipEntry e;
        while ((e = in.getNextEntry()) != null) {
          Path target = dir.resolve(e.getName()).normalize();
          if (!target.startsWith(dir)) {
            throw new BundleException(zip + ": entry " + e.getName() + " escapes the bundle");
          }
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      if (!Files.exists(dir.resolve(Bundle.BUNDLE_YAML))) {
        try (Stream<Path> s = Files.list(dir)) {
          List<Path> children = s.toList();
          if (children.size() == 1 && Files.isDirectory(children.get(0))) {
            return children.get(0);
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new BundleException(zip + ": cannot unzip: " + e.getMessage(), e);
    }
  }

  /** Loads a bundle from a stream of a {@code .zip} (e.g. a Hadoop path on an executor). */
  public static Bundle loadZip(InputStream zip) throws IOException {
    Path tmp = Files.createTempFile("lockstep-bundle-", ".zip");
    Files.copy(zip, tmp, StandardCopyOption.REPLACE_EXISTING);
    return load(tmp);
  }
}
