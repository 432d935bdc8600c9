package io.lockstep.streaming;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Binds a local MiniCluster (the one {@code java -jar} starts, and the tests') to 127.0.0.1 only:
 * by default Flink's blob server and data ports listen on every interface. A session cluster's
 * own configuration decides there; these settings do not reach it.
 */
public final class Loopback {
  public static final String HOST = "127.0.0.1";

  private Loopback() {}

  public static Configuration bind(Configuration conf) {
    conf.set(JobManagerOptions.BIND_HOST, HOST);
    conf.set(JobManagerOptions.ADDRESS, HOST);
    conf.set(TaskManagerOptions.BIND_HOST, HOST);
    conf.set(TaskManagerOptions.HOST, HOST);
    conf.set(RestOptions.BIND_ADDRESS, HOST);
    conf.set(RestOptions.ADDRESS, HOST);
    return conf;
  }
}
