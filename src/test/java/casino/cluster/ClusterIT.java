package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two processors in one Pekko Cluster: they share the work and one QuoteCache. */
class ClusterIT {

  @Test
  void twoNodesShareTheQueueAndOneQuoteCache() throws Exception {
    try (TestBroker broker = new TestBroker("cluster"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      int seedPort = ProcessorProcess.freePort();
      Map<String, String> env = ProcessorProcess.environment(broker, api);
      env.put("RABBITMQ_PREFETCH", "50");
      env.put("CLUSTER_SEED_NODES", "pekko://casino@127.0.0.1:" + seedPort);
      Map<String, String> seedEnv = new HashMap<>(env);
      seedEnv.put("CLUSTER_PORT", Integer.toString(seedPort));
      try (ProcessorProcess first = ProcessorProcess.start(seedEnv); ProcessorProcess second = ProcessorProcess.start(env)) {
        ProcessorProcess.awaitUpMembers(List.of(first, second), 2, Duration.ofSeconds(60));
        int n = 5_000;
        Set<Long> published = broker.publishGenerated(n, 9, 5);

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<Long> seen = new HashSet<>();
        Set<Long> fromFirst = new HashSet<>();
        Set<Long> fromSecond = new HashSet<>();
        while (seen.size() < n && System.nanoTime() < deadline) {
          Thread.sleep(200);
          first.output().forEach(l -> fromFirst.add(l.get("id").asLong()));
          second.output().forEach(l -> fromSecond.add(l.get("id").asLong()));
          seen.addAll(fromFirst);
          seen.addAll(fromSecond);
        }

        assertEquals(published, seen, "every event processed by one node or the other");
        assertTrue(!fromFirst.isEmpty() && !fromSecond.isEmpty(), "both nodes must take work: " + fromFirst.size() + " / " + fromSecond.size());
        assertEquals(1, api.calls(), "one QuoteCache for the cluster: one fetch for both nodes");
        assertEquals(0, broker.depth(broker.settings().deadLetterQueue()));
      }
    }
  }
}
