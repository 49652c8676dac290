package casino.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.InvalidSettingsException;
import casino.config.Settings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a node finds the others, from casino.cluster into the Pekko settings Cluster Bootstrap reads. */
class ClusterConfigTest {
  private static final String DISCOVERY = "pekko.management.cluster.bootstrap.contact-point-discovery.";

  private static Settings.Cluster cluster(String hocon) {
    return Settings.from(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load())).cluster();
  }

  @Test
  void byDefaultSeedNodesOrAClusterOfOneWithoutBootstrap() {
    Settings.Cluster cluster = cluster("");

    assertEquals(Settings.Discovery.SEED_NODES, cluster.discovery());
    assertEquals(List.of(), cluster.seedNodes());
    assertFalse(cluster.bootstrap());
    assertTrue(ClusterConfig.pekko(cluster).isEmpty());
  }

  @Test
  void configDiscoveryListsTheContactPointsAsEndpoints() {
    Settings.Cluster cluster = cluster("casino.cluster { discovery = config, contact-points = \"127.0.0.1:8558, 127.0.0.1:8559,node-3.example:8558\","
        + " required-contact-points = 3 }");

    Config pekko = ClusterConfig.pekko(cluster).withFallback(ConfigFactory.load("processor")).resolve();
    assertEquals("config", pekko.getString(DISCOVERY + "discovery-method"));
    assertEquals("casino", pekko.getString(DISCOVERY + "service-name"));
    assertEquals(3, pekko.getInt(DISCOVERY + "required-contact-point-nr"));
    List<? extends Config> endpoints = pekko.getConfigList("pekko.discovery.config.services.casino.endpoints");
    assertEquals(List.of("127.0.0.1:8558", "127.0.0.1:8559", "node-3.example:8558"),
        endpoints.stream().map(e -> e.getString("host") + ":" + e.getInt("port")).toList());
    assertFalse(pekko.getBoolean("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port"),
        "several nodes on one host have several management ports");
  }

  @Test
  void kubernetesDiscoveryLooksForTheManagementPortOfPodsLabelledWithTheServiceName() {
    Settings.Cluster cluster = cluster("casino.cluster { discovery = kubernetes, service-name = casino-processor }");

    Config pekko = ClusterConfig.pekko(cluster).withFallback(ConfigFactory.load("processor")).resolve();
    assertEquals("kubernetes-api", pekko.getString(DISCOVERY + "discovery-method"));
    assertEquals("casino-processor", pekko.getString(DISCOVERY + "service-name"));
    assertEquals("management", pekko.getString(DISCOVERY + "port-name"));
    assertEquals("app=%s", pekko.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
  }

  @Test
  void dnsDiscoveryLooksUpTheServiceName() {
    Settings.Cluster cluster = cluster("casino.cluster { discovery = dns, service-name = \"casino.prod.svc.cluster.local\" }");

    Config pekko = ClusterConfig.pekko(cluster);
    assertEquals("pekko-dns", pekko.getString(DISCOVERY + "discovery-method"));
    assertEquals("casino.prod.svc.cluster.local", pekko.getString(DISCOVERY + "service-name"));
  }

  @Test
  void tlsTurnsTheTransportToTlsWithMutualAuthenticationAndTheStores() {
    Settings.Cluster cluster = cluster("casino.cluster.tls { enabled = on, key-store = /s/node.p12, key-store-password = k,"
        + " trust-store = /s/trust.p12, trust-store-password = t }");

    Config pekko = ClusterConfig.pekko(cluster).withFallback(ConfigFactory.load("processor")).resolve();
    assertEquals("tls-tcp", pekko.getString("pekko.remote.artery.transport"));
    Config ssl = pekko.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertEquals("/s/node.p12", ssl.getString("key-store"));
    assertEquals("k", ssl.getString("key-store-password"));
    assertEquals("k", ssl.getString("key-password"), "the key's password is the store's unless given");
    assertEquals("/s/trust.p12", ssl.getString("trust-store"));
    assertEquals("t", ssl.getString("trust-store-password"));
    assertTrue(ssl.getBoolean("require-mutual-authentication"));
    assertFalse(cluster.tls().toString().contains("=k,") || cluster.tls().toString().contains("=t]"), cluster.tls().toString());
  }

  @Test
  void plainTcpByDefault() {
    Config pekko = ClusterConfig.pekko(cluster("")).withFallback(ConfigFactory.load("processor")).resolve();

    assertEquals("tcp", pekko.getString("pekko.remote.artery.transport"));
  }

  @Test
  void tlsStoresThatCannotBeOpenedStopTheNodeAtStart() {
    Settings.Cluster cluster = cluster("casino.cluster.tls { enabled = on, key-store = /nonexistent/node.p12,"
        + " key-store-password = k, trust-store = /nonexistent/trust.p12, trust-store-password = t }");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterConfig.checkTlsStores(cluster.tls()));
    assertTrue(e.getMessage().startsWith("cannot open the cluster TLS key store /nonexistent/node.p12"), e.getMessage());
  }

  @Test
  void mistakesAreClearErrors() {
    Map<String, String> cases = Map.of(
        "casino.cluster.discovery = zookeeper", "must be one of seed-nodes, config, kubernetes, dns",
        "casino.cluster { discovery = config, contact-points = \"127.0.0.1:8558\" }", "at least required-contact-points (2)",
        "casino.cluster { discovery = config, contact-points = \"127.0.0.1,127.0.0.1:x\", required-contact-points = 1 }",
        "host:port addresses of Pekko Management, got \"127.0.0.1\"",
        "casino.cluster { discovery = kubernetes, seed-nodes = \"pekko://casino@127.0.0.1:25520\" }", "used only with discovery seed-nodes",
        "casino.cluster.required-contact-points = 0", "required-contact-points must be at least 1",
        "casino.cluster.tls { enabled = on, key-store = /s/node.p12, key-store-password = k, trust-store = /s/trust.p12 }",
        "casino.cluster.tls.trust-store-password (CLUSTER_TLS_TRUSTSTORE_PASSWORD) must be set when cluster TLS is on");
    cases.forEach((hocon, message) -> {
      InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> cluster(hocon), hocon);
      assertTrue(e.getMessage().contains(message), e.getMessage());
    });
  }
}
