package io.lockstep.streaming.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates topics that do not exist yet (the Maven broker has no {@code kafka-topics.sh}):
 * {@code java -cp lockstep-jobs-streaming.jar io.lockstep.streaming.kafka.CreateTopics HOST:PORT PARTITIONS TOPIC...}.
 */
public final class CreateTopics {
  private CreateTopics() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CreateTopics HOST:PORT PARTITIONS TOPIC...");
      System.exit(2);
    }
    int partitions = Integer.parseInt(args[1]);
    List<String> topics = List.of(args).subList(2, args.length);
    create(args[0], partitions, topics);
    System.out.println("topics ready: " + String.join(", ", topics));
  }

  public static void create(String bootstrap, int partitions, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(new NewTopic(t, partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
    }
  }
}
