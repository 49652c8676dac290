package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ExpectedView;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Three processors in their own JVMs find each other through Cluster Bootstrap (discovery
 * config: no seed nodes given), form one cluster and keep one view of the events published.
 */
class BootstrapIT {

  @Test
  void threeNodesFormOneClusterThroughBootstrapAndKeepOneView() throws Exception {
    try (TestBroker broker = new TestBroker("bootstrap"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      api.fixed();
      int[] managementPorts = ProcessorProcess.freePorts(3);
      Map<String, String> env = ProcessorProcess.environment(broker, api);
      env.put("CLUSTER_DISCOVERY", "config");
      env.put("CLUSTER_CONTACT_POINTS", IntStream.of(managementPorts).mapToObj(p -> "127.0.0.1:" + p)
          .collect(Collectors.joining(",")));
      env.put("CLUSTER_REQUIRED_CONTACT_POINTS", "3");
      env.put("ENRICHMENT_TIMEOUT", "30s");
      List<Map<String, String>> envs = new ArrayList<>();
      for (int port : managementPorts) {
        Map<String, String> nodeEnv = new HashMap<>(env);
        nodeEnv.put("MANAGEMENT_PORT", Integer.toString(port));
        envs.add(nodeEnv);
      }
      // Alive only: no node is ready (it serves no view) before bootstrap has formed the cluster,
      // which waits for all three contact points.
      List<ProcessorProcess> nodes = ProcessorProcess.startAllAlive(envs);
      try {
        ProcessorProcess.awaitUpMembers(nodes, 3, Duration.ofSeconds(90));
        for (ProcessorProcess node : nodes) {
          node.awaitReady(Duration.ofSeconds(60));
        }

        List<CasinoEvent> events = TestBroker.generated(3_000, 62, 13);
        broker.publish(events);
        broker.publish(events.subList(0, 300));   // published twice: counted once
        broker.awaitDrained(Duration.ofSeconds(120));

        ExpectedView.of(events).awaitOn(nodes, Duration.ofSeconds(10));
        long distinct = events.stream().map(CasinoEvent::id).distinct().count();
        for (ProcessorProcess node : nodes) {
          assertEquals(distinct, node.materialized().get("events_total").asLong(), "distinct events published");
        }
        assertEquals(0, broker.depth(broker.settings().deadLetterQueue()));
      } finally {
        for (ProcessorProcess node : nodes) {
          node.close();
        }
      }
    }
  }
}
