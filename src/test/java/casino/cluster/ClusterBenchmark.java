package casino.cluster;

import casino.broker.Broker;
import casino.config.Settings;
import casino.ingest.SourceBenchmark;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * One backlog drained by a cluster of N processors on this machine, for each N asked for (by
 * default 1, 2 and 3): the nodes start together on a full queue, and the rate is taken from the
 * moment all of them are ready and in the cluster until the backlog is gone (the view's
 * events_total, which every node serves). {@code bin/bench cluster [messages] [nodes,...]}.
 */
public final class ClusterBenchmark {

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
    List<Integer> sizes = args.length > 1
        ? java.util.Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList() : List.of(1, 2, 3);
    Map<Integer, Double> rates = new java.util.LinkedHashMap<>();
    Map<Integer, Double> plain = new java.util.LinkedHashMap<>();
    ExecutorService starter = Executors.newCachedThreadPool();
    try (SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      for (int nodes : sizes) {
        String queue = "bench.cluster." + System.nanoTime();
        Settings.Rabbit rabbit = Settings.load().rabbit().withQueues(queue, queue + ".dead");
        try (Connection connection = Broker.connect(rabbit, "bench-filler")) {
          Channel channel = connection.createChannel();
          Broker.declareQueues(channel, rabbit);
          // The queue's own ceiling here: as many plain consume+ack loops as nodes, together.
          SourceBenchmark.fill(channel, queue, messages);
          plain.put(nodes, plainConsumers(rabbit, queue, nodes, messages, starter));
          System.out.printf(Locale.ROOT, "%d plain consumer(s): %.0f messages/s%n", nodes, plain.get(nodes));
          SourceBenchmark.fill(channel, queue, messages);
          rates.put(nodes, drain(rabbit, api, nodes, messages, starter, channel));
          System.out.printf(Locale.ROOT, "%d node(s): %.0f events/s%n", nodes, rates.get(nodes));
          channel.queueDelete(queue);
          channel.queueDelete(queue + ".dead");
        }
      }
    } finally {
      starter.shutdownNow();
    }
    double one = rates.getOrDefault(1, rates.values().iterator().next());
    String figures = rates.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "nodes_%d_per_s=%.0f ratio_%d=%.2f plain_%d_per_s=%.0f", e.getKey(), e.getValue(),
            e.getKey(), e.getValue() / one, e.getKey(), plain.get(e.getKey())))
        .collect(Collectors.joining(" "));
    System.out.println("RESULT " + figures);
  }

  /** {@code consumers} plain consume+ack loops draining {@code messages} together; messages per second. */
  private static double plainConsumers(Settings.Rabbit rabbit, String queue, int consumers, int messages, ExecutorService starter)
      throws Exception {
    long start = System.nanoTime();
    List<Future<Long>> loops = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      int share = messages / consumers + (i < messages % consumers ? 1 : 0);
      loops.add(starter.submit(() -> SourceBenchmark.plainLoop(rabbit, queue, share)));
    }
    for (Future<Long> loop : loops) {
      loop.get();
    }
    return messages / ((System.nanoTime() - start) / 1e9);
  }

  private static double drain(Settings.Rabbit rabbit, SimulatedRatesApi api, int nodes, int messages, ExecutorService starter,
      Channel channel) throws Exception {
    int[] clusterPorts = ProcessorProcess.freePorts(nodes);
    String seeds = java.util.Arrays.stream(clusterPorts).mapToObj(p -> "pekko://casino@127.0.0.1:" + p)
        .collect(Collectors.joining(","));
    Map<String, String> env = ProcessorProcess.environment(rabbit, api);
    env.put("CLUSTER_SEED_NODES", seeds);
    // Nodes start on a full queue: a node that joined waits for the quote cache singleton
    // rather than dead-letter its first batches for want of quotes.
    env.put("ENRICHMENT_TIMEOUT", "30s");
    List<Future<ProcessorProcess>> starting = new ArrayList<>();
    for (int port : clusterPorts) {
      Map<String, String> nodeEnv = new HashMap<>(env);
      nodeEnv.put("CLUSTER_PORT", Integer.toString(port));
      starting.add(starter.submit(() -> ProcessorProcess.start(nodeEnv)));
    }
    List<ProcessorProcess> cluster = new ArrayList<>();
    try {
      for (Future<ProcessorProcess> f : starting) {
        cluster.add(f.get());
      }
      ProcessorProcess any = cluster.get(0);
      long start = System.nanoTime();
      long from = any.materialized().get("events_total").asLong();
      long count = from;
      // Until every event is counted; should any have been dead-lettered instead, until the
      // queue is empty and the count has not moved for 5 s (reported, not waited for forever).
      long movedAt = System.nanoTime();
      while (count < messages && System.nanoTime() - movedAt < Duration.ofSeconds(5).toNanos()) {
        Thread.sleep(250);
        long now = any.materialized().get("events_total").asLong();
        if (now != count || channel.messageCount(rabbit.eventsQueue()) > 0) {
          movedAt = System.nanoTime();
        }
        count = now;
      }
      long deadLettered = channel.messageCount(rabbit.deadLetterQueue());
      if (count < messages) {
        System.out.printf(Locale.ROOT, "%d node(s): only %d of %d counted; %d dead-lettered%n", nodes, count, messages, deadLettered);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "%d node(s): %d of %d events drained after all were ready, in %.1f s%n",
          nodes, count - from, messages, seconds);
      return (count - from) / seconds;
    } finally {
      for (ProcessorProcess p : cluster) {
        p.terminate(Duration.ofSeconds(60));
      }
    }
  }
}
