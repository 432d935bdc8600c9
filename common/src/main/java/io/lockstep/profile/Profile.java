package io.lockstep.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A reference profile ({@code profile.json}, docs/spec.md, Profiles): statistics of every feature
 * column and numeric prediction output of a bundle on a reference input. Drift is the PSI of live
 * data against its histograms.
 *
 * @param sampleCapacity values per column kept for quantiles and histograms
 */
public record Profile(String model, String created, String input, long records, long scored,
                      Map<String, Long> deadByReason, int sampleCapacity, List<ColumnProfile> columns) {
  public static final String FORMAT = "lockstep-profile/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Profile {
    columns = List.copyOf(columns);
    deadByReason = new TreeMap<>(deadByReason);
  }

  public Optional<ColumnProfile> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
  }

  public ObjectNode toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("model", model);
    n.put("created", created);
    n.put("input", input);
    n.put("records", records);
    n.put("scored", scored);
    ObjectNode dead = n.putObject("dead_by_reason");
    deadByReason.forEach(dead::put);
    n.put("sample_capacity", sampleCapacity);
    ArrayNode qs = n.putArray("quantiles");
    for (double q : ColumnProfile.QUANTILES) {
      qs.add(q);
    }
    ArrayNode cols = n.putArray("columns");
    for (ColumnProfile c : columns) {
      ObjectNode o = cols.addObject();
      o.put("name", c.name());
      o.put("kind", c.kind().text());
      o.put("count", c.count());
      o.put("nulls", c.nulls());
      number(o, "min", c.min());
      number(o, "max", c.max());
      number(o, "mean", c.mean());
      number(o, "std", c.std());
      ArrayNode q = o.putArray("quantiles");
      for (double v : c.quantiles()) {
        addNumber(q, v);
      }
      ObjectNode h = o.putObject("histogram");
      ArrayNode edges = h.putArray("edges");
      for (double v : c.histogram().edges()) {
        addNumber(edges, v);
      }
      ArrayNode counts = h.putArray("counts");
      for (long v : c.histogram().counts()) {
        counts.add(v);
      }
      ArrayNode fractions = h.putArray("fractions");
      for (double v : c.histogram().fractions()) {
        fractions.add(v);
      }
      o.put("exact", c.exact());
    }
    return n;
  }

  public static Profile read(Path file) {
    try {
      return fromJson(JSON.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read the profile: " + e.getMessage(), e);
    }
  }

  public static Profile fromJson(JsonNode n, String where) {
    if (n == null || !FORMAT.equals(n.path("format").asText())) {
      throw new IllegalArgumentException(where + ": not a Lockstep profile (expected \"format\": \"" + FORMAT
          + "\"); write one with `lockstep profile`");
    }
    Map<String, Long> dead = new TreeMap<>();
    n.path("dead_by_reason").fields().forEachRemaining(e -> dead.put(e.getKey(), e.getValue().asLong()));
    List<ColumnProfile> cols = new ArrayList<>();
    for (JsonNode o : n.path("columns")) {
      JsonNode h = o.path("histogram");
      double[] edges = doubles(h.path("edges"));
      double[] cuts = edges.length < 2 ? new double[0] : java.util.Arrays.copyOfRange(edges, 1, edges.length - 1);
      long[] counts = new long[h.path("counts").size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = h.path("counts").get(i).asLong();
      }
      double[] fractions = doubles(h.path("fractions"));
      if (fractions.length != cuts.length + 1 && edges.length > 0) {
        throw new IllegalArgumentException(where + ": column " + o.path("name").asText() + ": histogram has "
            + fractions.length + " fractions for " + edges.length + " edges (want edges - 1)");
      }
      cols.add(new ColumnProfile(o.path("name").asText(), ColumnProfile.Kind.valueOf(o.path("kind").asText().toUpperCase()),
          o.path("count").asLong(), o.path("nulls").asLong(), num(o.get("min")), num(o.get("max")), num(o.get("mean")),
          num(o.get("std")), doubles(o.path("quantiles")), new Histogram(edges, cuts, fractions, counts),
          o.path("exact").asBoolean()));
    }
    return new Profile(n.path("model").asText(), n.path("created").asText(), n.path("input").asText(),
        n.path("records").asLong(), n.path("scored").asLong(), dead, n.path("sample_capacity").asInt(), cols);
  }

  private static void number(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }

  private static void addNumber(ArrayNode a, double v) {
    if (Double.isFinite(v)) {
      a.add(v);
    } else {
      a.addNull();
    }
  }

  private static double num(JsonNode v) {
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = num(a.get(i));
    }
    return out;
  }
}
