package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.WireFormat;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import com.rabbitmq.client.MessageProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two processors in one Pekko Cluster: they share the work and one QuoteCache. */
class ClusterIT {

  @Test
  void twoNodesShareTheQueueAndOneQuoteCache() throws Exception {
    try (TestBroker broker = new TestBroker("cluster"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      int seedPort = ProcessorProcess.freePort();
      Map<String, String> env = new HashMap<>(Map.of(
          "EVENTS_QUEUE", broker.settings().eventsQueue(),
          "DEAD_LETTER_QUEUE", broker.settings().deadLetterQueue(),
          "REDIS_KEY_PREFIX", "test:" + UUID.randomUUID() + ":",
          "EXCHANGE_API_URL", api.baseUrl(), "API_KEY", "test-key", "POSTGRES_DEMO_DATA", "true",
          "RABBITMQ_PREFETCH", "50",
          "CLUSTER_SEED_NODES", "pekko://casino@127.0.0.1:" + seedPort));
      Map<String, String> seedEnv = new HashMap<>(env);
      seedEnv.put("CLUSTER_PORT", Integer.toString(seedPort));
      try (ProcessorProcess first = ProcessorProcess.start(seedEnv); ProcessorProcess second = ProcessorProcess.start(env)) {
        awaitTwoMembers(first);
        int n = 5_000;
        EventGenerator generator = new EventGenerator(new IdGenerator(9, Clock.systemUTC()), new SplittableRandom(5), Clock.systemUTC());
        Set<Long> published = new HashSet<>();
        for (int i = 0; i < n; i++) {
          CasinoEvent e = generator.next();
          published.add(e.id());
          broker.channel().basicPublish("", broker.settings().eventsQueue(), MessageProperties.PERSISTENT_BASIC, WireFormat.encode(e));
        }

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

  /** The seed logs each member it moves to Up. */
  private static void awaitTwoMembers(ProcessorProcess seed) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String log = seed.stderr();
      if (log.indexOf("to [Up]") != log.lastIndexOf("to [Up]")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("a cluster of two did not form:\n" + seed.stderr());
  }
}
