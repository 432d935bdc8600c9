package io.lockstep.score;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleException;
import io.lockstep.spec.OutputRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session for a bundle, checked against its feature spec when opened: the input
 * named in {@code model.input} must be a float32 {@code [N, F]} tensor with {@code F} equal to the
 * spec's width, and every output named in {@code model.outputs} must exist (found by name, never by
 * position) with a valid index.
 *
 * <p>Thread-safety: this object is immutable after construction and ORT's {@code run()} is
 * thread-safe, so one scorer serves every thread of a JVM; each thread scores through its own
 * {@link BatchScorer}, which owns the (non-shared) direct input buffer.
 */
public final class OnnxScorer implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnnxScorer.class);
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int width;
  private final int fixedBatch;
  private final List<PredictionField> fields;
  private final Set<String> requestedOutputs;
  private final String modelId;

  private OnnxScorer(OrtEnvironment env, OrtSession session, String inputName, int width, int fixedBatch,
                     List<PredictionField> fields, String modelId) {
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.width = width;
    this.fixedBatch = fixedBatch;
    this.fields = List.copyOf(fields);
    Set<String> outs = new LinkedHashSet<>();
    fields.forEach(f -> outs.add(f.output()));
    this.requestedOutputs = outs;
    this.modelId = modelId;
  }

  /** Opens and checks the bundle's model. */
  public static OnnxScorer open(Bundle bundle, ScorerOptions options) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] model = bundle.modelBytes();
    Map<String, ZipMapBypass.ZipMap> zipMaps = Map.of();
    OrtSession session = null;
    try {
      ZipMapBypass.Rewritten rewritten = ZipMapBypass.rewrite(model);
      if (!rewritten.zipMaps().isEmpty()) {
        session = createSession(env, rewritten.model(), options);
        zipMaps = rewritten.zipMaps();
      }
    } catch (OrtException | RuntimeException e) {
      LOG.info("{}: reading ZipMap outputs as maps ({})", bundle.where(Bundle.MODEL_ONNX), e.getMessage());
      zipMaps = Map.of();
    }
    try {
      if (session == null) {
        session = createSession(env, model, options);
      }
    } catch (OrtException e) {
      throw new BundleException(bundle.where(Bundle.MODEL_ONNX) + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
    try {
      return check(env, session, bundle, zipMaps);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  private static OrtSession createSession(OrtEnvironment env, byte[] model, ScorerOptions options) throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (options.cuda()) {
        so.addCUDA();
      }
      return env.createSession(model, so);
    }
  }

  private static OnnxScorer check(OrtEnvironment env, OrtSession session, Bundle bundle,
                                  Map<String, ZipMapBypass.ZipMap> zipMaps) {
    String model = bundle.where(Bundle.MODEL_ONNX);
    int width = bundle.spec().width();
    String inputName = bundle.spec().model().input();
    Map<String, NodeInfo> inputs;
    Map<String, NodeInfo> outputs;
    try {
      inputs = session.getInputInfo();
      outputs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new BundleException(model + ": cannot read the model's inputs/outputs: " + e.getMessage(), e);
    }
    NodeInfo in = inputs.get(inputName);
    if (in == null) {
      throw new BundleException("features.yaml model.input is '" + inputName + "' but " + model + " has inputs " + inputs.keySet());
    }
    if (inputs.size() != 1) {
      throw new BundleException(model + " has " + inputs.size() + " inputs " + inputs.keySet()
          + "; Lockstep feeds exactly one float32 [N, F] input ('" + inputName + "')");
    }
    if (!(in.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
      throw new BundleException(model + " input '" + inputName + "' is " + in.getInfo() + "; it must be a float32 tensor [N, F]");
    }
    long[] shape = ti.getShape();
    if (shape.length != 2) {
      throw new BundleException(model + " input '" + inputName + "' has rank " + shape.length + " (shape "
          + java.util.Arrays.toString(shape) + "); it must be [N, F]");
    }
    if (shape[1] > 0 && shape[1] != width) {
      throw new BundleException("feature width mismatch: features.yaml gives " + width + " columns but " + model
          + " input '" + inputName + "' takes " + shape[1] + "; fix the features (one_hot gives one column per value) or the model");
    }
    int fixedBatch = shape[0] > 0 ? (int) shape[0] : 0;
    List<PredictionField> fields = new ArrayList<>();
    for (Map.Entry<String, OutputRef> e : bundle.spec().model().outputs().entrySet()) {
      fields.add(resolve(e.getKey(), e.getValue(), outputs, model, zipMaps));
    }
    return new OnnxScorer(env, session, inputName, width, fixedBatch, fields, bundle.id());
  }

  private static PredictionField resolve(String name, OutputRef ref, Map<String, NodeInfo> outputs, String model,
                                         Map<String, ZipMapBypass.ZipMap> zipMaps) {
    String at = "features.yaml model.outputs." + name;
    NodeInfo node = outputs.get(ref.output());
    if (node == null) {
      java.util.Set<String> names = new java.util.LinkedHashSet<>(outputs.keySet());
      zipMaps.values().forEach(z -> names.remove(z.input()));
      throw new BundleException(at + " names output '" + ref.output() + "' but " + model + " has outputs " + names);
    }
    ZipMapBypass.ZipMap zipMap = zipMaps.get(ref.output());
    if (zipMap != null && ref.hasIndex() && outputs.get(zipMap.input()) != null
        && outputs.get(zipMap.input()).getInfo() instanceof TensorInfo ti && ti.type == OnnxJavaType.FLOAT) {
      int column = zipMap.labels().indexOf(ref.index());
      if (column < 0) {
        throw new BundleException(at + ".index is class label '" + ref.index() + "' but ZipMap output '" + ref.output()
            + "' has labels " + zipMap.labels());
      }
      return new PredictionField(name, zipMap.input(), PredictionField.Source.TENSOR, PredictionField.Type.FLOAT, column, ref.index());
    }
    if (node.getInfo() instanceof TensorInfo ti) {
      PredictionField.Type type = switch (ti.type) {
        case FLOAT -> PredictionField.Type.FLOAT;
        case DOUBLE -> PredictionField.Type.DOUBLE;
        case INT64, INT32, INT16, INT8, UINT8, BOOL -> PredictionField.Type.LONG;
        case STRING -> PredictionField.Type.STRING;
        default -> throw new BundleException(at + ": output '" + ref.output() + "' has unsupported element type " + ti.type);
      };
      long[] shape = ti.getShape();
      int column = 0;
      if (shape.length > 2) {
        throw new BundleException(at + ": output '" + ref.output() + "' has rank " + shape.length + "; only [N] and [N, C] outputs are supported");
      }
      if (ref.hasIndex()) {
        try {
          column = Integer.parseInt(ref.index());
        } catch (NumberFormatException ex) {
          throw new BundleException(at + ".index is '" + ref.index() + "' but output '" + ref.output() + "' is a tensor: use a column number");
        }
        if (shape.length < 2 || column < 0 || (shape[1] > 0 && column >= shape[1])) {
          throw new BundleException(at + ".index " + column + " is out of range for output '" + ref.output() + "' of shape " + java.util.Arrays.toString(shape));
        }
      } else if (shape.length == 2 && shape[1] != 1) {
        throw new BundleException(at + ": output '" + ref.output() + "' has shape " + java.util.Arrays.toString(shape) + "; set index: <column>");
      }
      return new PredictionField(name, ref.output(), PredictionField.Source.TENSOR, type, column, null);
    }
    if (node.getInfo() instanceof SequenceInfo si && si.isSequenceOfMaps()) {
      MapInfo mi = si.mapInfo;
      if (!ref.hasIndex()) {
        throw new BundleException(at + ": output '" + ref.output() + "' is a sequence of maps (ZipMap); set index: <class label>");
      }
      PredictionField.Type type = switch (mi.valueType) {
        case FLOAT -> PredictionField.Type.FLOAT;
        case DOUBLE -> PredictionField.Type.DOUBLE;
        case INT64 -> PredictionField.Type.LONG;
        case STRING -> PredictionField.Type.STRING;
        default -> throw new BundleException(at + ": ZipMap output '" + ref.output() + "' has unsupported values " + mi.valueType);
      };
      return new PredictionField(name, ref.output(), PredictionField.Source.ZIPMAP, type, -1, ref.index());
    }
    throw new BundleException(at + ": output '" + ref.output() + "' is " + node.getInfo() + "; only tensors and sequences of maps are supported");
  }

  /** A per-thread batch scorer with room for {@code capacity} rows. */
  public BatchScorer newBatch(int capacity) {
    return new BatchScorer(this, capacity);
  }

  public List<PredictionField> fields() {
    return fields;
  }

  public int width() {
    return width;
  }

  /** The model's fixed batch dimension, or 0 when it is dynamic. */
  public int fixedBatch() {
    return fixedBatch;
  }

  public String modelId() {
    return modelId;
  }

  OrtEnvironment env() {
    return env;
  }

  OrtSession session() {
    return session;
  }

  String inputName() {
    return inputName;
  }

  Set<String> requestedOutputs() {
    return requestedOutputs;
  }

  @Override
  public void close() {
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession s) {
    try {
      s.close();
    } catch (OrtException ignored) {
      // closing a session only fails if it is already closed
    }
  }
}
