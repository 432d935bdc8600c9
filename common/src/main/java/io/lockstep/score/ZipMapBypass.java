package io.lockstep.score;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets the scorer read a ZipMap's input tensor instead of its output. scikit-learn classifiers
 * exported with ZipMap return probabilities as a sequence of maps; converting those to Java maps
 * costs more than the whole tree ensemble (docs/spec.md, Stack notes). The ZipMap's input is the plain
 * {@code [N, C]} probability tensor, ordered like its class labels, so we add it to the graph's
 * outputs and read column {@code labels.indexOf(index)} from it: same values, no maps.
 *
 * <p>This edits the ONNX protobuf directly (no protobuf library on the classpath): it appends one
 * {@code ValueInfoProto} per ZipMap input to {@code GraphProto.output} (field 12) and rewrites the
 * enclosing {@code ModelProto.graph} (field 7) length. Everything else is copied byte for byte.
 */
final class ZipMapBypass {
  private ZipMapBypass() {}

  /** A ZipMap node: its input tensor, its output, and its class labels as text, in column order. */
  record ZipMap(String input, String output, List<String> labels) {}

  /** The rewritten model and the ZipMaps found, by output name; the model is unchanged if none. */
  record Rewritten(byte[] model, Map<String, ZipMap> zipMaps) {}

  static Rewritten rewrite(byte[] model) {
    Map<String, ZipMap> found = new HashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 256);
    Reader r = new Reader(model, 0, model.length);
    while (r.hasMore()) {
      int start = r.pos;
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 7 && wire == 2) {
        int len = (int) r.varint();
        byte[] graph = rewriteGraph(model, r.pos, len, found);
        writeVarint(out, tag);
        writeVarint(out, graph.length);
        out.writeBytes(graph);
        r.pos += len;
      } else {
        r.skip(wire);
        out.write(model, start, r.pos - start);
      }
    }
    return found.isEmpty() ? new Rewritten(model, found) : new Rewritten(out.toByteArray(), found);
  }

  private static byte[] rewriteGraph(byte[] b, int off, int len, Map<String, ZipMap> found) {
    Reader r = new Reader(b, off, off + len);
    while (r.hasMore()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 1 && wire == 2) {
        int n = (int) r.varint();
        ZipMap z = readNode(b, r.pos, n);
        if (z != null) {
          found.put(z.output(), z);
        }
        r.pos += n;
      } else {
        r.skip(wire);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 64);
    out.write(b, off, len);
    for (ZipMap z : found.values()) {
      byte[] name = z.input().getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream vi = new ByteArrayOutputStream();
      writeVarint(vi, (1 << 3) | 2);
      writeVarint(vi, name.length);
      vi.writeBytes(name);
      writeVarint(out, (12 << 3) | 2);
      writeVarint(out, vi.size());
      out.writeBytes(vi.toByteArray());
    }
    return out.toByteArray();
  }

  /** Reads a NodeProto; returns its ZipMap description if it is a ZipMap, else null. */
  private static ZipMap readNode(byte[] b, int off, int len) {
    Reader r = new Reader(b, off, off + len);
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String opType = null;
    List<String> labels = new ArrayList<>();
    while (r.hasMore()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (wire == 2 && (field == 1 || field == 2 || field == 4)) {
        String s = r.string();
        if (field == 1) {
          inputs.add(s);
        } else if (field == 2) {
          outputs.add(s);
        } else {
          opType = s;
        }
      } else if (field == 5 && wire == 2) {
        int n = (int) r.varint();
        readLabels(b, r.pos, n, labels);
        r.pos += n;
      } else {
        r.skip(wire);
      }
    }
    if (!"ZipMap".equals(opType) || inputs.size() != 1 || outputs.size() != 1 || labels.isEmpty()) {
      return null;
    }
    return new ZipMap(inputs.get(0), outputs.get(0), labels);
  }

  /** AttributeProto: name (1), ints (8, packed or not), strings (9). */
  private static void readLabels(byte[] b, int off, int len, List<String> labels) {
    Reader r = new Reader(b, off, off + len);
    String name = null;
    List<String> values = new ArrayList<>();
    while (r.hasMore()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      if (field == 1 && wire == 2) {
        name = r.string();
      } else if (field == 8 && wire == 0) {
        values.add(Long.toString(r.varint()));
      } else if (field == 8 && wire == 2) {
        int n = (int) r.varint();
        int end = r.pos + n;
        while (r.pos < end) {
          values.add(Long.toString(r.varint()));
        }
      } else if (field == 9 && wire == 2) {
        values.add(r.string());
      } else {
        r.skip(wire);
      }
    }
    if ("classlabels_int64s".equals(name) || "classlabels_strings".equals(name)) {
      labels.addAll(values);
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static final class Reader {
    final byte[] b;
    int pos;
    final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    String string() {
      int n = (int) varint();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          int n = (int) varint();
          pos += n;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire);
      }
      if (pos > end) {
        throw new IllegalArgumentException("truncated protobuf");
      }
    }
  }
}
