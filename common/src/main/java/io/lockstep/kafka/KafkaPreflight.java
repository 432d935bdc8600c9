package io.lockstep.kafka;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Connects once, before a command or job starts, and turns the ways a secured connection fails into
 * one line a user can act on. Without it a wrong password or a missing truststore surfaces as a
 * Flink source that fails and restarts forever, or a producer blocked for {@code max.block.ms}.
 */
public final class KafkaPreflight {
  static final int TIMEOUT_SECONDS = 20;

  private KafkaPreflight() {}

  /**
   * Asks the cluster for its nodes with the user's settings.
   *
   * @throws IllegalArgumentException naming the authentication failure, the TLS failure, or the unreachable address
   */
  public static void check(String bootstrap, KafkaSettings settings) {
    Map<String, String> defaults = Map.of("request.timeout.ms", "10000", "default.api.timeout.ms", "15000",
        "client.id", "lockstep-preflight");
    try (Admin admin = Admin.create(settings.over(defaults, Map.of("bootstrap.servers", bootstrap)))) {
      admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(explain(bootstrap, settings, e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalArgumentException(explain(bootstrap, settings, e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrap, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalArgumentException(explain(bootstrap, settings, e), e);
    }
  }

  /** One line for a failure to talk to Kafka at {@code bootstrap}, secrets masked. */
  public static String explain(String bootstrap, KafkaSettings settings, Throwable failure) {
    String protocol = settings.get("security.protocol") == null ? "PLAINTEXT" : settings.get("security.protocol");
    String detail = settings.redact(rootMessage(failure));
    String line;
    if (failure instanceof SslAuthenticationException) {
      line = "TLS handshake with Kafka at " + bootstrap + " failed: " + detail
          + " (does ssl.truststore.location in --kafka-config hold the CA that signed the broker's certificate?)";
    } else if (failure instanceof SaslAuthenticationException || failure instanceof AuthenticationException) {
      line = "Kafka authentication failed at " + bootstrap + " (" + protocol + ", " + mechanism(settings) + "): " + detail
          + " (check the user and password in sasl.jaas.config)";
    } else if (failure instanceof TimeoutException || failure instanceof org.apache.kafka.common.errors.TimeoutException) {
      line = "no answer from Kafka at " + bootstrap + " within " + TIMEOUT_SECONDS + " s with security.protocol=" + protocol
          + " (is the address right, the broker up, and does its listener speak " + protocol + "?)";
    } else {
      line = "cannot talk to Kafka at " + bootstrap + ": " + detail;
    }
    return line.replace('\n', ' ');
  }

  private static String mechanism(KafkaSettings settings) {
    String m = settings.get("sasl.mechanism");
    return m == null ? "GSSAPI" : m;
  }

  /** The distinct messages along the cause chain ("SSL handshake failed: PKIX path building failed ..."). */
  private static String rootMessage(Throwable t) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 4; c = c.getCause() == c ? null : c.getCause(), depth++) {
      String msg = c.getMessage();
      if (msg != null && !b.toString().contains(msg)) {
        b.append(b.length() == 0 ? "" : ": ").append(msg);
      }
    }
    return b.length() == 0 ? t.getClass().getSimpleName() : b.toString();
  }
}
