package casino.cluster;

import casino.config.Settings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko settings that follow from the cluster settings, laid over {@code conf/processor.conf}
 * before the actor system starts: which discovery Cluster Bootstrap uses and what it looks up.
 * Pekko wants some of them in shapes an environment variable cannot give (a list of endpoint
 * objects, the method's own name), so they are made here from the typed settings.
 */
public final class ClusterConfig {
  /** The container port Kubernetes discovery looks for on each pod (deploy/kubernetes). */
  public static final String MANAGEMENT_PORT_NAME = "management";
  private static final String BOOTSTRAP = "pekko.management.cluster.bootstrap.contact-point-discovery.";

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
    return ConfigFactory.parseMap(values);
  }

  private static List<Map<String, Object>> endpoints(List<Settings.ContactPoint> contactPoints) {
    return contactPoints.stream().<Map<String, Object>>map(p -> Map.of("host", p.host(), "port", p.port())).toList();
  }
}
