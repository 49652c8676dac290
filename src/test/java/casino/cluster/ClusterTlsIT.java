package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.quotes.SimulatedRatesApi;
import casino.testing.Certificates;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster transport over TLS with mutual authentication (SPEC 9): nodes whose certificates
 * the cluster's CA signed form a cluster; a node signed by another CA (though it trusts the
 * cluster's) and a node without TLS find the cluster through bootstrap and still never join.
 */
class ClusterTlsIT {
  @TempDir
  Path dir;

  @Test
  void onlyNodesWithTheClustersCertificateJoin() throws Exception {
    String password = "pw-" + UUID.randomUUID();
    Certificates clusterCa = Certificates.authority(dir, "cluster", password);
    Certificates otherCa = Certificates.authority(dir, "other", password);
    Path trusted = clusterCa.trustStore();

    try (TestBroker broker = new TestBroker("cluster-tls"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      int[] managementPorts = ProcessorProcess.freePorts(2);
      Map<String, String> env = ProcessorProcess.environment(broker, api);
      env.put("CLUSTER_DISCOVERY", "config");
      env.put("CLUSTER_CONTACT_POINTS", "127.0.0.1:" + managementPorts[0] + ",127.0.0.1:" + managementPorts[1]);
      env.put("CLUSTER_REQUIRED_CONTACT_POINTS", "2");
      List<ProcessorProcess> nodes = new ArrayList<>();
      try {
        nodes.addAll(ProcessorProcess.startAllAlive(List.of(
            node(env, managementPorts[0], Certificates.environment(clusterCa.nodeKeyStore("node-1"), trusted, password)),
            node(env, managementPorts[1], Certificates.environment(clusterCa.nodeKeyStore("node-2"), trusted, password)))));
        ProcessorProcess first = nodes.get(0);
        ProcessorProcess.awaitUpMembers(nodes, 2, Duration.ofSeconds(120));
        Map<String, String> cluster = first.members();

        // Both find the cluster through the same contact points and ask to join it: one with a
        // certificate of another CA (it trusts the cluster's), one without TLS.
        int[] outsiders = ProcessorProcess.freePorts(2);
        nodes.addAll(ProcessorProcess.startAllAlive(List.of(
            node(env, outsiders[0], Certificates.environment(otherCa.nodeKeyStore("node-3"), trusted, password)),
            node(env, outsiders[1], Map.of()))));

        long until = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (System.nanoTime() < until) {
          assertEquals(cluster, first.members(), "members seen by the first node, and their status");
          Thread.sleep(500);
        }
      } finally {
        for (ProcessorProcess node : nodes) {
          node.close();
        }
      }
    }
  }

  private static Map<String, String> node(Map<String, String> env, int managementPort, Map<String, String> tls) {
    Map<String, String> nodeEnv = new HashMap<>(env);
    nodeEnv.putAll(tls);
    nodeEnv.put("MANAGEMENT_PORT", Integer.toString(managementPort));
    return nodeEnv;
  }
}
