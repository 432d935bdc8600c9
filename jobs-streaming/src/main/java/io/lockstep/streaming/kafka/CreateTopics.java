package io.lockstep.streaming.kafka;

import io.lockstep.kafka.KafkaClientOptions;
import io.lockstep.kafka.KafkaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Creates topics that do not exist yet (the Maven broker has no {@code kafka-topics.sh}):
 * {@code java -cp lockstep-jobs-streaming.jar io.lockstep.streaming.kafka.CreateTopics [--kafka-config FILE] HOST:PORT PARTITIONS TOPIC...}.
 */
@Command(name = "CreateTopics", mixinStandardHelpOptions = true, description = "Create Kafka topics that do not exist yet.")
public final class CreateTopics implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap;

  @Parameters(index = "1", paramLabel = "PARTITIONS", description = "Partitions of each new topic.")
  int partitions;

  @Parameters(index = "2..*", arity = "1..*", paramLabel = "TOPIC", description = "Topics to create.")
  List<String> topics;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new CreateTopics());
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println("CreateTopics: " + e.getMessage().replace('\n', ' '));
      return 2;
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("CreateTopics: " + e.getMessage().replace('\n', ' '));
      return 1;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    create(bootstrap, kafka.settings(), partitions, topics);
    System.out.println("topics ready: " + String.join(", ", topics));
    return 0;
  }

  public static void create(String bootstrap, KafkaSettings settings, int partitions, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(settings.over(Map.of(), Map.of("bootstrap.servers", bootstrap)))) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalArgumentException(io.lockstep.kafka.KafkaPreflight.explain(bootstrap, settings, e.getCause()), e);
      }
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
