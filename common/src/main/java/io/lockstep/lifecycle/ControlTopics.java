package io.lockstep.lifecycle;

import io.lockstep.kafka.KafkaPreflight;
import io.lockstep.kafka.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The two lifecycle topics (docs/spec.md, Model lifecycle): the control topic and
 * {@code <control-topic>.status}, both compacted (commands keyed by bundle name, statuses by
 * {@code <name>/<subtask>}), so the latest command per name and the latest answer per subtask
 * survive forever. One partition each: commands of one name stay in order, and both are tiny.
 */
public final class ControlTopics {
  private ControlTopics() {}

  public static String statusTopic(String controlTopic) {
    return controlTopic + ".status";
  }

  /** Creates whichever of the two topics is missing (the CLI and the job both call it; either may come first). */
  public static void ensure(String bootstrap, KafkaSettings settings, String controlTopic) {
    try (Admin admin = Admin.create(settings.over(Map.of("request.timeout.ms", "15000", "default.api.timeout.ms", "30000"),
        Map.of("bootstrap.servers", bootstrap)))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : List.of(controlTopic, statusTopic(controlTopic))) {
        if (!existing.contains(t)) {
          missing.add(new NewTopic(t, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact")));
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(KafkaPreflight.explain(bootstrap, settings, e.getCause()), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalArgumentException(KafkaPreflight.explain(bootstrap, settings, e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + controlTopic, e);
    }
  }
}
