package io.lockstep.streaming.scoring;

import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.ShippedBundle;
import io.lockstep.lifecycle.BundleCompatibility;
import io.lockstep.lifecycle.CanaryRouter;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlStatus;
import io.lockstep.lifecycle.Deployment;
import io.lockstep.streaming.kafka.InputEvent;
import io.lockstep.streaming.kafka.OutRecord;
import io.lockstep.streaming.lifecycle.BundleFetcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.InstantiationUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring operator's side of the model lifecycle (docs/spec.md, Model lifecycle), on the task's
 * thread except where noted:
 * <ul>
 *   <li>Commands are handled one at a time, in topic order. A {@code deploy} is prepared on a
 *       background thread (fetch, sha256 of {@code bundle.yaml}, compatibility, compile, open and
 *       warm the ORT session) while the task keeps scoring with what it has; the result comes back
 *       as a mail, which the mailbox runs between two records. {@code promote} and {@code rollback}
 *       only rearrange slots that are open, in the same way.</li>
 *   <li>A change takes effect between two micro-batches: the batch in flight is scored with the old
 *       arms, then the new {@link ScoringOperator.Arms} replace them whole, then slots no longer
 *       used are closed. The previous primary stays open, so a rollback is instant.</li>
 *   <li>Every answer ({@code accepted}, {@code active}, {@code rejected}) is a {@link ControlStatus}
 *       for {@code <control-topic>.status}, one per subtask. Anything that fails leaves the arms as
 *       they were.</li>
 *   <li>The deployment and the commands not yet done are broadcast state, so a restore from a
 *       checkpoint or savepoint scores with the deployment the job had, and finishes what it had read.</li>
 * </ul>
 */
final class DeploymentControl {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentControl.class);
  static final MapStateDescriptor<String, byte[]> STATE = new MapStateDescriptor<>("lockstep-deployment", Types.STRING,
      PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  private static final String DEPLOYMENT = "deployment";
  private static final String PENDING = "pending";
  private static final long PREPARE_CLOSE_WAIT_MS = 5_000;

  private final ScoringOperator op;
  private final BroadcastState<String, byte[]> state;
  private final ArrayDeque<ControlCommand> queue = new ArrayDeque<>();
  /** The next input offset per partition index (the offsets an {@code active} answer reports). */
  private long[] nextOffset = new long[0];
  private String inputTopic;
  private Deployment deployment;
  private ModelSlot previous;
  private ExecutorService preparer;
  private boolean preparing;
  /** Set by {@link #close()}: a preparation that ends after it releases its own slot. */
  private volatile boolean closed;
  /**
   * A prepared slot between the preparer and the task: whoever takes it (the swap mail, or
   * {@link #close()}, or the preparer when it sees {@link #closed}) owns it and must close it,
   * so a session loaded for a deploy is released even if the task closes before swapping it in.
   */
  private final AtomicReference<ModelSlot> handOff = new AtomicReference<>();
  private Bundle started;

  DeploymentControl(ScoringOperator op, OperatorStateStore store) throws Exception {
    this.op = op;
    this.state = store.getBroadcastState(STATE);
    byte[] d = state.get(DEPLOYMENT);
    deployment = d == null ? null : InstantiationUtil.deserializeObject(d, getClass().getClassLoader());
    byte[] p = state.get(PENDING);
    if (p != null) {
      List<ControlCommand> pending = InstantiationUtil.deserializeObject(p, getClass().getClassLoader());
      queue.addAll(pending);
    }
  }

  /** The lifecycle identity of a bundle: name, version, where it came from, sha256 of its {@code bundle.yaml}. */
  static Deployment.Model modelOf(Bundle b, String uri) {
    return new Deployment.Model(b.name(), b.version(), uri, b.identity());
  }

  /**
   * The arms to start with: the restored deployment's, else the submitted bundle alone. A restored
   * primary or candidate is loaded here, before the first record (a bundle that cannot be loaded
   * any more fails the task with its reason). Commands read before the snapshot but not done are
   * taken up again.
   */
  ScoringOperator.Arms open(ModelSlot submitted) {
    started = submitted.bundle;
    preparer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lockstep-deploy-" + op.subtask());
      t.setDaemon(true);
      return t;
    });
    if (deployment == null || !deployment.name().equals(submitted.model.name())) {
      if (deployment != null) {
        LOG.warn("restored deployment {} is for another bundle name than --bundle {}; starting from {}",
            deployment.describe(), submitted.model.id(), submitted.model.id());
        queue.clear();
      }
      deployment = Deployment.of(submitted.model);
      persist();
      ScoringOperator.Arms a = ScoringOperator.Arms.of(submitted);
      op.mailbox().execute(this::pump, "lockstep: control commands");
      return a;
    }
    Map<String, ModelSlot> open = new LinkedHashMap<>();
    open.put(submitted.model.sha256(), submitted);
    ModelSlot primary = restore(deployment.primary(), open);
    ModelSlot candidate = deployment.candidate() == null ? null : restore(deployment.candidate().model(), open);
    if (primary != submitted && candidate != submitted) {
      submitted.close();
    }
    LOG.info("restored deployment {}", deployment.describe());
    op.mailbox().execute(this::pump, "lockstep: control commands");
    return arms(deployment, primary, candidate);
  }

  private ModelSlot restore(Deployment.Model m, Map<String, ModelSlot> open) {
    return open.computeIfAbsent(m.sha256(), sha -> {
      Bundle b = BundleFetcher.fetch(m.bundle()).load();
      Deployment.Model loaded = modelOf(b, m.bundle());
      if (!loaded.sha256().equals(m.sha256())) {
        throw new IllegalStateException("cannot restore " + m.id() + ": " + m.bundle() + " changed since it was deployed (sha256 of bundle.yaml "
            + loaded.sha256() + ", deployed " + m.sha256() + ")");
      }
      ModelSlot s = ModelSlot.open(b, m, op.settings());
      s.warm();
      return s;
    });
  }

  private static ScoringOperator.Arms arms(Deployment d, ModelSlot primary, ModelSlot candidate) {
    if (candidate == null) {
      return ScoringOperator.Arms.of(primary);
    }
    Deployment.Candidate c = d.candidate();
    return new ScoringOperator.Arms(primary, candidate, !c.isCanary(), c.isCanary() ? new CanaryRouter(c.percent()) : null);
  }

  String describe() {
    return "deployment " + deployment.describe();
  }

  /** Notes where each partition's input is, for the offsets of the next {@code active} answer. */
  void read(InputEvent e) {
    int p = e.partition;
    if (p >= nextOffset.length) {
      long[] grown = new long[Math.max(p + 1, nextOffset.length * 2)];
      java.util.Arrays.fill(grown, nextOffset.length, grown.length, -1);
      System.arraycopy(nextOffset, 0, grown, 0, nextOffset.length);
      nextOffset = grown;
      inputTopic = e.topic;
    }
    nextOffset[p] = e.offset + 1;
  }

  /** A control-topic record: parsed, queued, and handled in order. A malformed one is rejected at once. */
  void command(InputEvent record) {
    ControlCommand c;
    try {
      c = ControlCommand.parse(record.key, record.value);
    } catch (ControlCommand.InvalidCommand e) {
      String name = e.name() == null ? deployment.name() : e.name();
      answer(e.id(), name, ControlStatus.State.REJECTED, "control record at offset " + record.offset + ": " + e.getMessage(), Map.of());
      return;
    }
    queue.add(c);
    pump();
  }

  /** Starts the next command unless one is being prepared. */
  private void pump() {
    while (!preparing && !queue.isEmpty()) {
      ControlCommand c = queue.peek();
      if (!c.name().equals(deployment.name())) {
        queue.poll();
        reject(c, "command is for '" + c.name() + "' but this job scores '" + deployment.name() + "'");
      } else if (c.command() == ControlCommand.Kind.DEPLOY) {
        prepare(c);
      } else {
        queue.poll();
        applyInPlace(c);
      }
    }
  }

  /** Loads and checks a deployed bundle off the task's thread; the outcome comes back as a mail. */
  private void prepare(ControlCommand c) {
    preparing = true;
    Bundle primary = op.arms().primary().bundle;
    List<Bundle> running = primary == started ? List.of(started) : List.of(started, primary);
    org.apache.avro.Schema outputSchema = op.arms().primary().outputSchema();
    boolean compared = c.mode() != ControlCommand.Mode.PRIMARY;
    try {
      preparer.execute(() -> {
        ModelSlot slot = null;
        String reason;
        Deployment.Model model = null;
        try {
          Bundle b = BundleFetcher.fetch(c.bundle()).load();
          model = modelOf(b, c.bundle());
          reason = !model.sha256().equals(c.sha256())
              ? "bundle " + c.bundle() + ": sha256 of bundle.yaml is " + model.sha256() + ", the command says " + c.sha256()
              : compatibility(running, b);
          if (reason == null) {
            slot = ModelSlot.open(b, model, op.settings());
            reason = outputCheck(slot, outputSchema, compared);
            if (reason == null) {
              slot.warm();
            }
          }
        } catch (RuntimeException | Error e) {
          reason = "bundle " + c.bundle() + ": " + oneLine(e);
        }
        if (reason != null && slot != null) {
          slot.close();
        } else if (slot != null) {
          handOff.set(slot);
        }
        if (closed) {
          releaseHandOff();
          return;
        }
        String why = reason;
        Deployment.Model loaded = model;
        try {
          op.mailbox().execute(() -> prepared(c, loaded, why == null ? handOff.getAndSet(null) : null, why), "lockstep: deploy " + c.id());
        } catch (RejectedExecutionException closing) {
          releaseHandOff();
        }
      });
    } catch (RejectedExecutionException closing) {
      preparing = false;
    }
  }

  private static String compatibility(List<Bundle> running, Bundle candidate) {
    for (Bundle r : running) {
      Optional<String> reason = BundleCompatibility.check(r, candidate);
      if (reason.isPresent()) {
        return reason.get();
      }
    }
    return null;
  }

  /**
   * The output topic has one prediction schema for the job's life (published on
   * {@code <output-topic>.schema}), and a shadow's predictions share it: a bundle that writes
   * another one would leave consumers unable to read what it scored.
   */
  private static String outputCheck(ModelSlot slot, org.apache.avro.Schema output, boolean compared) {
    if (!slot.outputSchema().equals(output)) {
      return slot.model.id() + " writes predictions of another schema than the output topic's (" + fieldsOf(slot.outputSchema())
          + " vs " + fieldsOf(output) + "): the published prediction schema cannot change while the job runs";
    }
    if (compared) {
      try {
        slot.scoreFields();
      } catch (IllegalArgumentException e) {
        return slot.model.id() + " cannot be a shadow or canary: " + e.getMessage();
      }
    }
    return null;
  }

  private static List<String> fieldsOf(org.apache.avro.Schema s) {
    return s.getFields().stream().map(f -> f.name() + ":" + f.schema().getType().getName()).toList();
  }

  /** The outcome of {@link #prepare}, on the task's thread. */
  private void prepared(ControlCommand c, Deployment.Model loaded, ModelSlot slot, String reason) {
    preparing = false;
    queue.poll();
    if (reason != null) {
      reject(c, reason);
    } else {
      Deployment.Result r = deployment.apply(c, loaded);
      if (!r.isAccepted()) {
        slot.close();
        reject(c, r.rejection());
      } else {
        change(c, r.next(), slot);
      }
    }
    pump();
  }

  /** {@code promote} or {@code rollback}: rearranges open slots (a previous primary not open after a restore is loaded here). */
  private void applyInPlace(ControlCommand c) {
    Deployment.Result r = deployment.apply(c);
    if (!r.isAccepted()) {
      reject(c, r.rejection());
      return;
    }
    ModelSlot extra = null;
    Deployment.Model primary = r.next().primary();
    if (!isOpen(primary)) {
      try {
        extra = restore(primary, new LinkedHashMap<>());
      } catch (RuntimeException e) {
        reject(c, "cannot load " + primary.id() + " from " + primary.bundle() + ": " + oneLine(e));
        return;
      }
    }
    change(c, r.next(), extra);
  }

  private boolean isOpen(Deployment.Model m) {
    return slotFor(m, null) != null;
  }

  private ModelSlot slotFor(Deployment.Model m, ModelSlot extra) {
    ScoringOperator.Arms a = op.arms();
    for (ModelSlot s : new ModelSlot[] {extra, a.primary(), a.candidate(), previous}) {
      if (s != null && s.model.sha256().equals(m.sha256())) {
        return s;
      }
    }
    return null;
  }

  /** Accepted: swaps between two micro-batches, closes what is no longer used, answers {@code accepted} then {@code active}. */
  private void change(ControlCommand c, Deployment next, ModelSlot extra) {
    answer(c.id(), c.name(), ControlStatus.State.ACCEPTED, null, Map.of(), next);
    op.flush();
    ScoringOperator.Arms old = op.arms();
    ModelSlot primary = slotFor(next.primary(), extra);
    ModelSlot candidate = next.candidate() == null ? null : slotFor(next.candidate().model(), extra);
    ModelSlot prev = next.previous() == null ? null : slotFor(next.previous(), extra);
    Map<ModelSlot, Boolean> keep = new IdentityHashMap<>();
    for (ModelSlot s : new ModelSlot[] {primary, candidate, prev}) {
      if (s != null) {
        keep.put(s, true);
      }
    }
    op.swap(arms(next, primary, candidate));
    for (ModelSlot s : new ModelSlot[] {old.primary(), old.candidate(), previous, extra}) {
      if (s != null && !keep.containsKey(s)) {
        s.close();
        keep.put(s, true); // closed once
      }
    }
    previous = prev;
    deployment = next;
    persist();
    LOG.info("{} {}: now {}", c.command().text(), c.id(), deployment.describe());
    answer(c.id(), c.name(), ControlStatus.State.ACTIVE, null, offsets(), next);
  }

  private Map<String, Long> offsets() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int p = 0; p < nextOffset.length; p++) {
      if (nextOffset[p] >= 0 && inputTopic != null) {
        out.put(inputTopic + "-" + p, nextOffset[p]);
      }
    }
    return out;
  }

  private void reject(ControlCommand c, String reason) {
    LOG.warn("{} {} rejected: {}", c.command().text(), c.id(), reason);
    answer(c.id(), c.name(), ControlStatus.State.REJECTED, reason, Map.of());
  }

  private void answer(String id, String name, ControlStatus.State s, String reason, Map<String, Long> offsets) {
    answer(id, name, s, reason, offsets, deployment);
  }

  private void answer(String id, String name, ControlStatus.State s, String reason, Map<String, Long> offsets, Deployment d) {
    ControlStatus status = ControlStatus.of(id, name, s, reason, d, op.subtask(), op.subtasks(), offsets);
    op.emitStatus(new OutRecord(status.key(), status.value(), null, System.currentTimeMillis()));
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Writes the deployment and the commands not yet done into the broadcast state (each checkpoint). */
  void snapshot() throws Exception {
    persist();
  }

  private void persist() {
    try {
      state.put(DEPLOYMENT, InstantiationUtil.serializeObject(deployment));
      state.put(PENDING, InstantiationUtil.serializeObject(new ArrayList<>(queue)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the deployment state: " + e.getMessage(), e);
    }
  }

  private void releaseHandOff() {
    ModelSlot s = handOff.getAndSet(null);
    if (s != null) {
      s.close();
    }
  }

  /**
   * Closes every open slot, a prepared one not yet swapped in included. A preparation still loading
   * is waited for briefly; if it outlasts that, it releases its slot itself when it ends ({@link #closed}).
   */
  void close() {
    closed = true;
    if (preparer != null) {
      preparer.shutdownNow();
      try {
        if (!preparer.awaitTermination(PREPARE_CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
          LOG.warn("a deploy was still being prepared {} ms after close; it releases its ORT session when it ends", PREPARE_CLOSE_WAIT_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    releaseHandOff();
    ScoringOperator.Arms a = op.arms();
    Map<ModelSlot, Boolean> closed = new IdentityHashMap<>();
    for (ModelSlot s : new ModelSlot[] {a == null ? null : a.primary(), a == null ? null : a.candidate(), previous}) {
      if (s != null && closed.put(s, true) == null) {
        s.close();
      }
    }
  }
}
