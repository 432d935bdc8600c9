package io.lockstep.batch;

import io.lockstep.batch.io.FileFormat;
import io.lockstep.batch.spark.BundlePrefetch;
import io.lockstep.batch.spark.SparkScoreJob;
import io.lockstep.batch.spark.SparkShadow;
import io.lockstep.batch.spark.SparkScoreOptions;
import io.lockstep.deadletter.DeadLetterBudgetExceeded;
import io.lockstep.io.InputDamage;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * {@code spark-submit lockstep-jobs-batch.jar --bundle B --input I --output O}: parses the flags
 * (docs/spec.md, CLI), starts the session and runs {@link SparkScoreJob}; nothing else. Prints the
 * counts at the end; exits non-zero with a one-line cause when it could not run.
 */
public final class BatchScoreJob {
  private BatchScoreJob() {}

  public static void main(String[] args) {
    SparkScoreOptions.Job job;
    try {
      job = SparkScoreOptions.parseJob(args);
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println("lockstep spark: " + e.getMessage());
      System.err.println(SparkScoreOptions.usage());
      System.exit(2);
      return;
    }
    if (job == null) {
      System.out.println(SparkScoreOptions.usage());
      return;
    }
    SparkScoreOptions options = job.options();
    String shadow = job.shadow();
    // The bundle, its model and a Parquet input's schema load while Spark starts (seconds, cold); the shadow job reads its two bundles itself.
    BundlePrefetch bundle = shadow != null ? BundlePrefetch.none(options.bundle())
        : BundlePrefetch.start(options.bundle(), options.inputFormat() == FileFormat.PARQUET ? options.input() : null);
    SparkSession spark = SparkSession.builder().appName("lockstep score " + options.input()).getOrCreate();
    spreadSplits(spark);
    int exit = 0;
    try {
      SparkScoreJob.Result result;
      if (shadow != null) {
        SparkShadow.Result twin = SparkShadow.run(spark, options, shadow);
        result = twin.primary();
        System.out.println("lockstep spark: shadow " + twin.divergence().candidate() + ": " + twin.candidate().line()
            + "; shadow predictions: " + twin.shadowOutput());
        System.out.println("lockstep spark: " + twin.divergence().describe() + "; written to " + twin.stats());
        twin.compatibility().ifPresent(r -> System.out.println("lockstep spark: note: a streaming job would reject this candidate: " + r));
      } else {
        result = SparkScoreJob.run(spark, options, bundle);
      }
      System.out.println(result.line());
      result.driftTable().forEach(System.out::println);
      System.out.println("predictions: " + result.output() + ", dead letters: " + result.deadLetters());
      if (!result.counts().balanced()) {
        System.out.println("warning: scored + dead-lettered != read (a retried task counted twice?)");
      }
      for (InputDamage d : result.damage()) {
        System.err.println("lockstep: damaged input: " + d.line());
      }
      exit = result.damage().isEmpty() ? 0 : ExitCode.INPUT_DAMAGED.code();
    } catch (RuntimeException e) {
      boolean budget = budgetExceeded(e);
      System.err.println("lockstep spark: " + (budget ? "stopped: " : "") + oneLine(e));
      exit = budget ? ExitCode.DEAD_LETTER_BUDGET.code() : 1;
    } finally {
      spark.stop();
    }
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /**
   * At least four input splits per core unless the user set {@code spark.sql.files.minPartitionNum}
   * (Spark's default is one per core). With one per core, 8 Parquet files on 2 cores were packed
   * into 3 tasks and one core sat idle through the whole third one (issue 15, cold benchmark);
   * smaller splits even out, at the cost of a few more (cheap) task starts. Splits never exceed
   * {@code spark.sql.files.maxPartitionBytes} either way.
   */
  static void spreadSplits(SparkSession spark) {
    String key = "spark.sql.files.minPartitionNum";
    if (!spark.conf().contains(key)) {
      spark.conf().set(key, String.valueOf(4 * spark.sparkContext().defaultParallelism()));
    }
  }

  /** Whether a task stopped the job by its dead-letter budget (Spark wraps the task's exception). */
  static boolean budgetExceeded(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DeadLetterBudgetExceeded) {
        return true;
      }
    }
    return false;
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return msg.lines().findFirst().orElse(msg);
  }
}
