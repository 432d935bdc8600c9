package io.lockstep.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockstep.lifecycle.ControlCommand.Mode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of a streaming job on {@code <control-topic>.status} (docs/spec.md, Model lifecycle).
 * Every parallel scoring subtask answers for itself, so a client knows a command took effect
 * everywhere once all {@code subtasks} answered. Records are keyed {@code <name>/<subtask>} on a
 * compacted topic: the latest per key is that subtask's current deployment.
 *
 * @param id the command's id (null when a record without a readable id was rejected)
 * @param name the bundle name the command was keyed by
 * @param reason why a command was rejected; null otherwise
 * @param model {@code name@version} of the primary scoring after this answer (unchanged on a rejection)
 * @param candidate the candidate after this answer, or null
 * @param subtask index of the answering scoring subtask, 0-based
 * @param subtasks parallelism of the scoring operator
 * @param offsets for {@code active}: per {@code topic-partition}, the first input offset scored under the
 *     new deployment by this subtask; empty otherwise
 * @param at when the subtask answered, ISO-8601 UTC
 */
public record ControlStatus(String id, String name, State status, String reason, String model, Candidate candidate,
                            int subtask, int subtasks, Map<String, Long> offsets, String at) {

  /** {@code accepted}: loaded and checked, swapping at the next batch boundary; {@code active}: swapped; {@code rejected}: left as it was. */
  public enum State {
    ACCEPTED, ACTIVE, REJECTED;

    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The candidate part of a status: {@code model} is {@code name@version}; {@code percent} only for canary. */
  public record Candidate(String model, Mode mode, Double percent) {
    public Candidate {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(mode, "mode");
    }

    public static Candidate of(Deployment.Candidate c) {
      return c == null ? null : new Candidate(c.model().id(), c.mode(), c.percent());
    }

    public String describe() {
      return model + " " + mode.text() + (percent == null ? "" : " " + Percent.text(percent) + "%");
    }
  }

  public ControlStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    if (subtasks < 1 || subtask < 0 || subtask >= subtasks) {
      throw new IllegalArgumentException("subtask " + subtask + " of " + subtasks);
    }
    if ((status == State.REJECTED) != (reason != null)) {
      throw new IllegalArgumentException("a reason comes with rejected, and only with rejected");
    }
    offsets = offsets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(offsets));
  }

  /** The answer of one subtask about {@code deployment}, stamped now. */
  public static ControlStatus of(String id, String name, State status, String reason, Deployment deployment,
                                 int subtask, int subtasks, Map<String, Long> offsets) {
    return new ControlStatus(id, name, status, reason, deployment == null ? null : deployment.primary().id(),
        deployment == null ? null : Candidate.of(deployment.candidate()), subtask, subtasks, offsets, Instant.now().toString());
  }

  /** The record key: {@code <name>/<subtask>}, so compaction keeps each subtask's latest answer. */
  public byte[] key() {
    return (name + "/" + subtask).getBytes(StandardCharsets.UTF_8);
  }

  public byte[] value() {
    return ControlJson.bytes(toJson());
  }

  public ObjectNode toJson() {
    ObjectNode o = ControlJson.object();
    o.put("id", id);
    o.put("name", name);
    o.put("status", status.text());
    o.put("reason", reason);
    o.put("model", model);
    if (candidate == null) {
      o.putNull("candidate");
    } else {
      ObjectNode c = o.putObject("candidate");
      c.put("model", candidate.model());
      c.put("mode", candidate.mode().text());
      ControlJson.putNullable(c, "percent", candidate.percent());
    }
    o.put("subtask", subtask);
    o.put("subtasks", subtasks);
    ObjectNode off = o.putObject("offsets");
    offsets.forEach(off::put);
    o.put("at", at);
    return o;
  }

  /** Reads a status value; throws {@link IllegalArgumentException} with one line when it is not one. */
  public static ControlStatus parse(byte[] value) {
    JsonNode n = ControlJson.parseObject(value);
    State state = state(ControlJson.requiredText(n, "status"));
    Candidate candidate = null;
    JsonNode c = n.get("candidate");
    if (c != null && !c.isNull()) {
      if (!c.isObject()) {
        throw new IllegalArgumentException("field 'candidate' must be an object or null");
      }
      candidate = new Candidate(ControlJson.requiredText(c, "model"), mode(ControlJson.requiredText(c, "mode")),
          ControlJson.optionalNumber(c, "percent"));
    }
    Map<String, Long> offsets = new LinkedHashMap<>();
    JsonNode off = n.get("offsets");
    if (off != null && !off.isNull()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = off.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        offsets.put(e.getKey(), ControlJson.optionalLong(off, e.getKey()));
      }
    }
    Long subtask = ControlJson.optionalLong(n, "subtask");
    Long subtasks = ControlJson.optionalLong(n, "subtasks");
    if (subtask == null || subtasks == null) {
      throw new IllegalArgumentException("missing field '" + (subtask == null ? "subtask" : "subtasks") + "'");
    }
    return new ControlStatus(ControlJson.optionalText(n, "id"), ControlJson.requiredText(n, "name"), state,
        ControlJson.optionalText(n, "reason"), ControlJson.optionalText(n, "model"), candidate,
        Math.toIntExact(subtask), Math.toIntExact(subtasks), offsets, ControlJson.requiredText(n, "at"));
  }

  private static State state(String text) {
    for (State s : State.values()) {
      if (s.text().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown status '" + ControlJson.abbreviate(text) + "': expected accepted, active or rejected");
  }

  private static Mode mode(String text) {
    for (Mode m : Mode.values()) {
      if (m.text().equals(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown candidate mode '" + ControlJson.abbreviate(text) + "'");
  }

  /** One line for the CLI: {@code subtask 0/2 accepted: primary churn@1, candidate churn@2 canary 10%}. */
  public String describe() {
    StringBuilder b = new StringBuilder("subtask ").append(subtask).append('/').append(subtasks).append(' ').append(status.text());
    if (reason != null) {
      b.append(": ").append(reason);
    } else {
      b.append(": primary ").append(model).append(", candidate ").append(candidate == null ? "none" : candidate.describe());
    }
    if (!offsets.isEmpty()) {
      b.append(", from offsets ").append(offsets);
    }
    return b.toString();
  }
}
