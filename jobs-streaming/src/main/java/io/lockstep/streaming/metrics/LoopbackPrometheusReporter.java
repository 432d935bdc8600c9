package io.lockstep.streaming.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter, serving {@code /metrics} on {@code 127.0.0.1} only. Flink's own
 * {@code PrometheusReporter} binds every interface and has no host option; Lockstep never binds
 * anything but the loopback address (docs/spec.md, Metrics). The metric names and labels are
 * Flink's ({@code flink_taskmanager_job_task_operator_lockstep_scored}, …): the collectors are
 * those of {@link AbstractPrometheusReporter}.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
  public static final String HOST = "127.0.0.1";

  private final HTTPServer server;

  /** Serves on the first of {@code ports} that is free. */
  LoopbackPrometheusReporter(List<Integer> ports) {
    HTTPServer bound = null;
    IOException last = null;
    for (int port : ports) {
      try {
        bound = new HTTPServer(new InetSocketAddress(HOST, port), registry(this), true);
        break;
      } catch (IOException e) {
        last = e;
      }
    }
    if (bound == null) {
      throw new IllegalStateException("cannot serve Prometheus metrics on " + HOST + ":" + describe(ports) + ": " + last.getMessage()
          + " (in use? choose another with --prometheus-port, or FLINK_PROMETHEUS_PORTS on a session cluster)", last);
    }
    server = bound;
    log.info("Prometheus metrics on http://{}:{}/metrics", HOST, server.getPort());
  }

  private static String describe(List<Integer> ports) {
    return ports.size() == 1 ? "" + ports.get(0) : ports.get(0) + "…" + ports.get(ports.size() - 1);
  }

  /** The reporter's registry: package-private in Flink's base class, read once here. */
  private static CollectorRegistry registry(AbstractPrometheusReporter r) {
    try {
      Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
      f.setAccessible(true);
      return (CollectorRegistry) f.get(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("flink-metrics-prometheus changed: no registry field in AbstractPrometheusReporter", e);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.stop();
    super.close();
  }
}
