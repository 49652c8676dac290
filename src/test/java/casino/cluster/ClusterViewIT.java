package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ExpectedView;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One cluster, one view (SPEC 6, 7, 9): processors in their own JVMs, nodes killed, stopped and
 * added while events flow; every live node answers the figures of the distinct events published.
 */
class ClusterViewIT {
  private TestBroker broker;
  private SimulatedRatesApi api;
  private Map<String, String> env;
  private int[] clusterPorts;
  private final List<ProcessorProcess> started = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    broker = new TestBroker("cluster-view");
    api = SimulatedRatesApi.start(0);
    api.fixed();
    env = ProcessorProcess.environment(broker, api);
    env.put("CLUSTER_STABLE_AFTER", "5s");
    env.put("ENRICHMENT_TIMEOUT", "30s");  // a node that just joined waits for its quote cache, not the dead-letter queue
    clusterPorts = ProcessorProcess.freePorts(6);
    env.put("CLUSTER_SEED_NODES", seeds(0, 1, 2));
  }

  @AfterEach
  void stop() throws Exception {
    for (ProcessorProcess p : started) {
      p.close();
    }
    api.close();
    broker.close();
  }

  private String seeds(int... nodes) {
    return java.util.Arrays.stream(nodes).mapToObj(n -> "pekko://casino@127.0.0.1:" + clusterPorts[n])
        .collect(Collectors.joining(","));
  }

  private ProcessorProcess node(int n, String seedNodes) throws Exception {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.put("CLUSTER_PORT", Integer.toString(clusterPorts[n]));
    nodeEnv.put("CLUSTER_SEED_NODES", seedNodes);
    ProcessorProcess p = ProcessorProcess.start(nodeEnv);
    started.add(p);
    return p;
  }

  @Test
  void killedAndLateNodesDuplicatesAndAFullRestartChangeNoFigure() throws Exception {
    ProcessorProcess oldest = node(0, seeds(0, 1, 2));
    ProcessorProcess second = node(1, seeds(0, 1, 2));
    ProcessorProcess third = node(2, seeds(0, 1, 2));
    awaitMembers(second, 3);

    List<CasinoEvent> events = TestBroker.generated(12_000, 60, 11);
    broker.publish(events.subList(0, 6_000));
    oldest.awaitLines(500, Duration.ofSeconds(60));
    oldest.kill();   // the oldest node holds the singletons: the view keeper and the quote cache
    broker.publish(events.subList(6_000, 12_000));
    broker.publish(events.subList(0, 500));   // published again
    ProcessorProcess late = node(3, seeds(1, 2, 3));

    broker.awaitDrained(Duration.ofSeconds(180));
    // A dead-lettered event is acked without being counted: none may be (a lost ask to the
    // killed node's singletons once dead-lettered hundreds).
    assertEquals(0, broker.depth(broker.settings().deadLetterQueue()), "dead letters");
    ExpectedView expected = ExpectedView.of(events);
    List<ProcessorProcess> live = List.of(second, third, late);
    awaitFigures(expected, live);
    Set<Long> written = new HashSet<>();
    for (ProcessorProcess p : List.of(oldest, second, third, late)) {
      p.output().forEach(l -> written.add(l.get("id").asLong()));
    }
    assertEquals(events.stream().map(CasinoEvent::id).collect(Collectors.toSet()), written, "every event on some node's stdout");

    // Every node stops (SIGTERM: each leaves, its singletons hand over); two start again.
    for (ProcessorProcess p : live) {
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.stderr());
    }
    ProcessorProcess again = node(4, seeds(4, 5));
    ProcessorProcess andAgain = node(5, seeds(4, 5));
    awaitMembers(andAgain, 2);
    awaitFigures(expected, List.of(again, andAgain));

    broker.publish(events.subList(0, 100));   // the first 100 once more: counted already, not written again
    broker.awaitDrained(Duration.ofSeconds(60));
    Thread.sleep(1_000);
    awaitFigures(expected, List.of(again, andAgain));
    assertEquals(0, again.output().size() + andAgain.output().size(), "no line for events the cluster counted before");
  }

  @Test
  void everyNodeKilledAtOnceMidLoadLosesNothingAndCountsNothingTwice() throws Exception {
    ProcessorProcess first = node(0, seeds(0, 1));
    ProcessorProcess second = node(1, seeds(0, 1));
    awaitMembers(second, 2);
    List<CasinoEvent> events = TestBroker.generated(20_000, 61, 12);
    broker.publish(events);
    first.awaitLines(2_000, Duration.ofSeconds(60));
    first.kill();
    second.kill();
    assertTrue(first.output().size() + second.output().size() < events.size(), "all was done before the kill: nothing tested");

    ProcessorProcess survivor = node(2, seeds(2));
    broker.awaitDrained(Duration.ofSeconds(120));

    awaitFigures(ExpectedView.of(events), List.of(survivor));
    Set<Long> written = new HashSet<>();
    for (ProcessorProcess p : List.of(first, second, survivor)) {
      p.output().forEach(l -> written.add(l.get("id").asLong()));
    }
    assertEquals(events.stream().map(CasinoEvent::id).collect(Collectors.toSet()), written, "every event written");
  }

  private static void awaitFigures(ExpectedView expected, List<ProcessorProcess> nodes) throws Exception {
    expected.awaitOn(nodes, Duration.ofSeconds(10));
  }

  private static void awaitMembers(ProcessorProcess node, int n) throws Exception {
    node.awaitUpMembers(n, Duration.ofSeconds(60));
  }
}
