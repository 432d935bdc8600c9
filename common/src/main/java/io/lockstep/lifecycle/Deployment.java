package io.lockstep.lifecycle;

import io.lockstep.lifecycle.ControlCommand.Mode;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a streaming job scores with, for one bundle name (docs/spec.md, Model lifecycle): the
 * primary, an optional candidate (shadow or canary) and the primary before the last change, for
 * {@code rollback}. An immutable value: the job keeps it in Flink broadcast state and swaps the
 * whole value between two micro-batches, so no record ever sees half a change.
 *
 * <p>{@link #apply} is the whole state machine, pure and engine-free:
 * <ul>
 *   <li>{@code deploy --mode primary}: the bundle becomes primary, the old primary becomes the
 *       previous one, a candidate is dropped (it was compared with a primary that is gone);</li>
 *   <li>{@code deploy --mode shadow|canary}: the bundle becomes the candidate (replacing one);
 *       redeploying the candidate with another mode or percent changes only those;</li>
 *   <li>{@code promote}: the candidate becomes primary, the old primary the previous one;</li>
 *   <li>{@code rollback}: the previous primary comes back and the candidate is dropped; with no
 *       previous primary but a candidate, only the candidate is dropped.</li>
 * </ul>
 * Anything else is a rejection with a one-line reason, and the deployment stays as it was.
 *
 * @param primary the bundle scoring every record whose prediction goes to the output; never null
 * @param candidate the bundle compared with (shadow) or sharing traffic with (canary) the primary; may be null
 * @param previous the primary before the last {@code deploy --mode primary} or {@code promote}; may be null
 */
public record Deployment(Model primary, Candidate candidate, Model previous) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Deployment {
    Objects.requireNonNull(primary, "primary");
    if (candidate != null && !candidate.model().name().equals(primary.name())) {
      throw new IllegalArgumentException("candidate " + candidate.model().id() + " is not a version of " + primary.name());
    }
    if (previous != null && !previous.name().equals(primary.name())) {
      throw new IllegalArgumentException("previous " + previous.id() + " is not a version of " + primary.name());
    }
  }

  /** A job's starting point: the bundle it was submitted with, nothing to compare or roll back to. */
  public static Deployment of(Model primary) {
    return new Deployment(primary, null, null);
  }

  /** The bundle name every command for this deployment is keyed by. */
  public String name() {
    return primary.name();
  }

  /**
   * One bundle as the lifecycle knows it.
   *
   * @param bundle the URI it was deployed from
   * @param sha256 the sha256 of its {@code bundle.yaml} (its identity)
   */
  public record Model(String name, String version, String bundle, String sha256) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Model {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(sha256, "sha256");
    }

    /** {@code name@version}, as in the predictions' {@code model} field. */
    public String id() {
      return name + "@" + version;
    }
  }

  /**
   * The bundle under evaluation and how it runs.
   *
   * @param percent the share of keys routed to it when {@code mode} is canary (0..100), else null
   */
  public record Candidate(Model model, Mode mode, Double percent) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Candidate {
      Objects.requireNonNull(model, "model");
      if (mode != Mode.SHADOW && mode != Mode.CANARY) {
        throw new IllegalArgumentException("a candidate runs as shadow or canary, not " + mode);
      }
      if ((mode == Mode.CANARY) != (percent != null)) {
        throw new IllegalArgumentException("percent is set for canary candidates only");
      }
    }

    public boolean isCanary() {
      return mode == Mode.CANARY;
    }

    /** {@code churn@2 shadow}, {@code churn@2 canary 10%}. */
    public String describe() {
      return model.id() + " " + mode.text() + (percent == null ? "" : " " + Percent.text(percent) + "%");
    }
  }

  /** The outcome of {@link #apply}: the next deployment, or why the command was rejected. */
  public record Result(Deployment next, String rejection) {
    static Result accepted(Deployment next) {
      return new Result(next, null);
    }

    static Result rejected(String reason) {
      return new Result(null, reason);
    }

    public boolean isAccepted() {
      return rejection == null;
    }
  }

  /** Applies a {@code promote} or {@code rollback}; a {@code deploy} needs the loaded bundle, see {@link #apply(ControlCommand, Model)}. */
  public Result apply(ControlCommand command) {
    return apply(command, null);
  }

  /**
   * The deployment after {@code command}, or the reason it cannot be applied.
   *
   * @param loaded for a {@code deploy}: the bundle the task loaded from {@code command.bundle()} (its
   *     sha256 already checked against the file); ignored for the other commands
   */
  public Result apply(ControlCommand command, Model loaded) {
    if (!command.name().equals(name())) {
      return Result.rejected("command is for '" + command.name() + "' but this job scores '" + name() + "'");
    }
    return switch (command.command()) {
      case DEPLOY -> deploy(command, loaded);
      case PROMOTE -> promote();
      case ROLLBACK -> rollback();
    };
  }

  private Result deploy(ControlCommand command, Model loaded) {
    if (loaded == null) {
      throw new IllegalArgumentException("a deploy is applied with the bundle it loaded");
    }
    if (!loaded.name().equals(name())) {
      return Result.rejected("bundle " + command.bundle() + " is named '" + loaded.name() + "', not '" + name()
          + "': a deployment keeps its bundle name");
    }
    if (!loaded.sha256().equals(command.sha256())) {
      return Result.rejected("bundle " + command.bundle() + ": sha256 of bundle.yaml is " + loaded.sha256()
          + ", the command says " + command.sha256());
    }
    boolean isPrimary = loaded.sha256().equals(primary.sha256());
    if (command.mode() == Mode.PRIMARY) {
      if (isPrimary) {
        return Result.rejected(loaded.id() + " (sha256 " + shortSha(loaded) + ") is already the primary");
      }
      return Result.accepted(new Deployment(loaded, null, primary));
    }
    if (isPrimary) {
      return Result.rejected(loaded.id() + " (sha256 " + shortSha(loaded) + ") is the primary; a " + command.mode().text()
          + " candidate must be another bundle");
    }
    Candidate next = new Candidate(loaded, command.mode(), command.percent());
    if (next.equals(candidate)) {
      return Result.rejected(next.describe() + " is already the candidate");
    }
    return Result.accepted(new Deployment(primary, next, previous));
  }

  private Result promote() {
    if (candidate == null) {
      return Result.rejected("nothing to promote: " + name() + " has no shadow or canary candidate (primary " + primary.id() + ")");
    }
    return Result.accepted(new Deployment(candidate.model(), null, primary));
  }

  private Result rollback() {
    if (previous != null) {
      return Result.accepted(new Deployment(previous, null, null));
    }
    if (candidate != null) {
      return Result.accepted(new Deployment(primary, null, null));
    }
    return Result.rejected("nothing to roll back: " + name() + " has no previous primary and no candidate (primary " + primary.id() + ")");
  }

  private static String shortSha(Model m) {
    return m.sha256().substring(0, Math.min(12, m.sha256().length()));
  }

  /** One line: {@code churn@2 (candidate churn@3 canary 10%, previous churn@1)}. */
  public String describe() {
    StringBuilder b = new StringBuilder(primary.id());
    if (candidate != null || previous != null) {
      b.append(" (");
      if (candidate != null) {
        b.append("candidate ").append(candidate.describe());
      }
      if (previous != null) {
        b.append(candidate != null ? ", " : "").append("previous ").append(previous.id());
      }
      b.append(')');
    }
    return b.toString();
  }
}
