package io.lockstep.streaming.metrics;

import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates {@link LoopbackPrometheusReporter}: {@code metrics.reporter.<name>.factory.class} names
 * this class and {@code metrics.reporter.<name>.port} the port (the job's {@code --prometheus-port},
 * or deploy/flink/start-cluster.sh on a session cluster).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
  public static final String NAME = "lockstep_prometheus";

  @Override
  public LoopbackPrometheusReporter createMetricReporter(Properties properties) {
    String port = properties.getProperty("port");
    if (port == null) {
      throw new IllegalArgumentException("metrics.reporter." + NAME + ".port is not set");
    }
    return new LoopbackPrometheusReporter(Integer.parseInt(port.trim()));
  }

  /** The Flink settings that start the reporter on {@code port}. */
  public static Configuration configure(Configuration conf, int port) {
    conf.setString("metrics.reporter." + NAME + ".factory.class", LoopbackPrometheusReporterFactory.class.getName());
    conf.setString("metrics.reporter." + NAME + ".port", Integer.toString(port));
    return conf;
  }
}
