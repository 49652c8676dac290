package casino.cluster;

import casino.config.Settings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko settings that follow from the cluster settings, laid over {@code conf/processor.conf}
 * before the actor system starts: which discovery Cluster Bootstrap uses and what it looks up,
 * and the transport between nodes (TLS with its stores).
 * Pekko wants some of them in shapes an environment variable cannot give (a list of endpoint
 * objects, the method's own name), so they are made here from the typed settings.
 */
public final class ClusterConfig {
  /** The container port Kubernetes discovery looks for on each pod (deploy/kubernetes). */
  public static final String MANAGEMENT_PORT_NAME = "management";
  private static final String BOOTSTRAP = "pekko.management.cluster.bootstrap.contact-point-discovery.";
  private static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";

  private ClusterConfig() {}

  public static Config pekko(Settings.Cluster cluster) {
    Map<String, Object> values = new HashMap<>();
    if (cluster.bootstrap()) {
      values.put(BOOTSTRAP + "discovery-method", cluster.discovery().pekkoMethod());
      values.put(BOOTSTRAP + "service-name", cluster.serviceName());
      values.put(BOOTSTRAP + "required-contact-point-nr", cluster.requiredContactPoints());
    }
    switch (cluster.discovery()) {
      case CONFIG -> values.put(
          ConfigUtil.joinPath("pekko", "discovery", "config", "services", cluster.serviceName(), "endpoints"),
          endpoints(cluster.contactPoints()));
      case KUBERNETES -> values.put(BOOTSTRAP + "port-name", MANAGEMENT_PORT_NAME);
      case SEED_NODES, DNS -> { }
    }
    Settings.Tls tls = cluster.tls();
    if (tls.enabled()) {
      values.put("pekko.remote.artery.transport", "tls-tcp");
      values.put(SSL + "key-store", tls.keyStore());
      values.put(SSL + "key-store-password", tls.keyStorePassword());
      values.put(SSL + "key-password", tls.keyPassword());
      values.put(SSL + "trust-store", tls.trustStore());
      values.put(SSL + "trust-store-password", tls.trustStorePassword());
    }
    return ConfigFactory.parseMap(values);
  }

  /**
   * Opens both stores with their passwords, so that a missing file or a wrong password stops the
   * node at start with a clear message instead of failing every connection later.
   */
  public static void checkTlsStores(Settings.Tls tls) {
    if (!tls.enabled()) {
      return;
    }
    open("key store", tls.keyStore(), tls.keyStorePassword());
    open("trust store", tls.trustStore(), tls.trustStorePassword());
  }

  private static void open(String what, String file, String password) {
    try {
      KeyStore.getInstance(new File(file), password.toCharArray());
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot open the cluster TLS " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<Map<String, Object>> endpoints(List<Settings.ContactPoint> contactPoints) {
    return contactPoints.stream().<Map<String, Object>>map(p -> Map.of("host", p.host(), "port", p.port())).toList();
  }
}
