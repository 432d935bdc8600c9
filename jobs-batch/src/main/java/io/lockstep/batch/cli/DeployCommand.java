package io.lockstep.batch.cli;

import io.lockstep.batch.spark.HadoopBundles;
import io.lockstep.bundle.Bundle;
import io.lockstep.bundle.BundleLoader;
import io.lockstep.lifecycle.ControlCommand;
import io.lockstep.lifecycle.ControlCommand.Mode;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code lockstep deploy}: asks a running streaming job to score with another bundle, as primary,
 * shadow or canary (docs/spec.md, Model lifecycle). The bundle is read and verified here first
 * (every file's sha256, the spec), so a typo fails at once rather than as a rejection; the command
 * carries the sha256 of its {@code bundle.yaml}, which each task checks again on its own copy.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Deploy a bundle to a running streaming job (primary, shadow or canary) and wait for its answer.")
final class DeployCommand extends ControlTopicCommand {

  @Option(names = "--bundle", required = true, paramLabel = "URI",
      description = "Bundle directory or .zip: a local path, file:, or any Hadoop file system URI the job's tasks can read.")
  String bundle;

  @Option(names = "--mode", defaultValue = "primary",
      description = "primary (replace), shadow (score every record with both) or canary (a share of keys); default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--percent", description = "canary only: the share of keys routed to the bundle, 0..100.")
  Double percent;

  @Override
  public Integer call() {
    Mode m = mode();
    if (m == Mode.CANARY && percent == null) {
      throw new ParameterException(spec.commandLine(), "--mode canary needs --percent (0..100)");
    }
    if (percent != null && (percent.isNaN() || percent < 0 || percent > 100)) {
      throw new ParameterException(spec.commandLine(), "--percent must be within 0..100, got " + percent);
    }
    if (m != Mode.CANARY && percent != null) {
      throw new ParameterException(spec.commandLine(), "--percent applies to --mode canary only");
    }
    String uri = jobUri(bundle);
    Bundle b = read(uri);
    spec.commandLine().getOut().println(prefix() + "bundle " + b.id() + ", bundle.yaml sha256 " + b.identity());
    return sendAndReport(ControlCommand.deploy(b.name(), uri, b.identity(), m, percent));
  }

  private Mode mode() {
    try {
      return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--mode must be primary, shadow or canary, got '" + mode + "'");
    }
  }

  /** The URI the job's tasks are given: a local path made absolute (their working folder is not ours). */
  static String jobUri(String given) {
    URI uri = given.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*") ? URI.create(given) : null;
    if (uri == null) {
      return Path.of(given).toAbsolutePath().normalize().toString();
    }
    return given;
  }

  private static Bundle read(String uri) {
    if (uri.startsWith("file:")) {
      return BundleLoader.load(Path.of(URI.create(uri)));
    }
    if (!uri.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return BundleLoader.load(Path.of(uri));
    }
    return HadoopBundles.read(uri, new org.apache.hadoop.conf.Configuration()).load();
  }
}
