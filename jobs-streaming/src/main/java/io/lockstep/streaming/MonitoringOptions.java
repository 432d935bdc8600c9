package io.lockstep.streaming;

import io.lockstep.profile.DriftWindow;
import io.lockstep.profile.Psi;
import picocli.CommandLine.Option;

/**
 * The streaming job's monitoring flags (docs/spec.md, Metrics and Drift): the Prometheus endpoint
 * and the drift windows. A mixin of {@link StreamOptions}, validated with it.
 */
public final class MonitoringOptions {
  @Option(names = "--prometheus-port", paramLabel = "P", defaultValue = "0", converter = StreamOptions.Converters.NonNegativeInt.class,
      description = "Serve Prometheus /metrics on 127.0.0.1:P from the local MiniCluster (default: off).")
  int prometheusPort;

  @Option(names = "--drift-window", paramLabel = "DURATION", defaultValue = "1m", converter = StreamOptions.Converters.Millis.class,
      description = "Length of a drift window, with a profile in the bundle (default: ${DEFAULT-VALUE}).")
  long driftWindowMillis;

  @Option(names = "--drift-window-records", paramLabel = "N", defaultValue = "" + DriftWindow.Settings.DEFAULT_RECORDS,
      converter = StreamOptions.Converters.PositiveInt.class,
      description = "A drift window also closes after N scored records (default: ${DEFAULT-VALUE}).")
  int driftWindowRecords;

  @Option(names = "--drift-min-records", paramLabel = "N", defaultValue = "" + DriftWindow.Settings.DEFAULT_MIN_RECORDS,
      converter = StreamOptions.Converters.PositiveInt.class,
      description = "A window whose time is up is judged only once N of its records are binned (default: ${DEFAULT-VALUE}).")
  int driftMinRecords;

  @Option(names = "--drift-threshold", paramLabel = "PSI", defaultValue = "" + Psi.DEFAULT_THRESHOLD,
      description = "PSI above which a column raises an alert on the drift topic (default: ${DEFAULT-VALUE}).")
  double driftThreshold;

  @Option(names = "--drift-sample", paramLabel = "N", defaultValue = "" + DriftWindow.Settings.DEFAULT_SAMPLE_EVERY,
      converter = StreamOptions.Converters.PositiveInt.class,
      description = "Bin one scored record in N for drift; windows still count every record (default: ${DEFAULT-VALUE}).")
  int driftSample;

  @Option(names = "--drift-topic", paramLabel = "T", description = "Topic of drift alerts (default: <output-topic>.drift).")
  String driftTopic;

  public int prometheusPort() {
    return prometheusPort;
  }

  public DriftWindow.Settings drift() {
    return new DriftWindow.Settings(driftWindowMillis, driftWindowRecords, Math.min(driftMinRecords, driftWindowRecords),
        driftThreshold, driftSample);
  }

  public String driftTopic(String outputTopic) {
    return driftTopic != null ? driftTopic : outputTopic + ".drift";
  }

  void validate() {
    if (prometheusPort > 65535) {
      throw new IllegalArgumentException("--prometheus-port must be a port number (1-65535), got " + prometheusPort);
    }
    if (!(driftThreshold > 0)) {
      throw new IllegalArgumentException("--drift-threshold must be > 0, got " + driftThreshold);
    }
    drift();
  }
}
