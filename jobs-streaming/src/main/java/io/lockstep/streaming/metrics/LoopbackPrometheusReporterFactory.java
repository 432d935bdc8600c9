package io.lockstep.streaming.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.NetUtils;

/**
 * Creates {@link LoopbackPrometheusReporter}: {@code metrics.reporter.<name>.factory.class} names
 * this class and {@code metrics.reporter.<name>.port} the port or ports (the job's
 * {@code --prometheus-port}; on a session cluster, deploy/flink/start-cluster.sh, which installs this
 * reporter as a Flink plugin, target/lockstep-prometheus-plugin.jar).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
  public static final String NAME = "lockstep_prometheus";

  @Override
  public LoopbackPrometheusReporter createMetricReporter(Properties properties) {
    String port = properties.getProperty("port");
    if (port == null) {
      throw new IllegalArgumentException("metrics.reporter." + NAME + ".port is not set");
    }
    return new LoopbackPrometheusReporter(ports(port));
  }

  /**
   * The ports of {@code port}: one port, a range {@code 9250-9260} or a list {@code 9249,9250-9260},
   * as Flink's own Prometheus reporter takes them (a TaskManager beside a JobManager on one host
   * takes the next free one).
   */
  static List<Integer> ports(String port) {
    List<Integer> out = new ArrayList<>();
    try {
      NetUtils.getPortRangeFromString(port.trim()).forEachRemaining(out::add);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("metrics.reporter.<name>.port must be a port, a range A-B or a list, got '" + port + "'", e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("metrics.reporter.<name>.port names no port: '" + port + "'");
    }
    return out;
  }

  /** The Flink settings that start the reporter on {@code port}. */
  public static Configuration configure(Configuration conf, int port) {
    conf.setString("metrics.reporter." + NAME + ".factory.class", LoopbackPrometheusReporterFactory.class.getName());
    conf.setString("metrics.reporter." + NAME + ".port", Integer.toString(port));
    return conf;
  }
}
