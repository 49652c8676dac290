package casino.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.cluster.ClusterConfig;
import casino.config.Settings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes/ and the Dockerfile agree with the configuration they feed: the manifests
 * are read with SnakeYAML, the processor's configuration is resolved with the Deployment's
 * environment (secrets from the template, the pod IP as a placeholder), and each setting the
 * manifests depend on is compared with what the processor would use. Nothing here needs a
 * Kubernetes cluster; it cannot tell whether one would accept the manifests.
 */
class KubernetesManifestsTest {
  private static final Path MANIFESTS = Path.of("deploy", "kubernetes");
  private static final Pattern ENV_SUBSTITUTION = Pattern.compile("\\$\\{\\?([A-Za-z0-9_]+)}");
  private static final String POD_IP = "pod-ip.invalid";

  private static List<Map<String, Object>> documents;
  private static Map<String, Object> deployment;
  private static Map<String, Object> podSpec;
  private static Map<String, Object> container;
  private static Map<String, String> env;
  private static Settings settings;
  private static Config config;

  @BeforeAll
  static void read() throws IOException {
    documents = new ArrayList<>();
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document : yaml.loadAll(Files.readString(file))) {
          if (document != null) {
            Map<String, Object> manifest = map(document);
            manifest.put("_file", file.getFileName().toString());
            documents.add(manifest);
          }
        }
      }
    }
    deployment = one("Deployment");
    podSpec = map(get(deployment, "spec", "template", "spec"));
    List<Object> containers = list(podSpec.get("containers"));
    assertEquals(1, containers.size(), "one container: the processor");
    container = map(containers.get(0));
    env = environment(container);
    config = ConfigFactory.parseMap(env)
        .withFallback(ConfigFactory.parseResources("processor.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    settings = Settings.from(config);
    config = ClusterConfig.pekko(settings.cluster()).withFallback(config);
  }

  @Test
  void everyVariableTheManifestsSetIsOneTheConfigurationReads() throws IOException {
    Set<String> read = new TreeSet<>();
    for (String conf : List.of("conf/application.conf", "conf/processor.conf")) {
      Matcher m = ENV_SUBSTITUTION.matcher(Files.readString(Path.of(conf)));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    Set<String> unread = new TreeSet<>(env.keySet());
    unread.removeAll(read);

    assertTrue(unread.isEmpty(), "set by the Deployment, read by no ${?NAME} of conf/: " + unread);
    assertTrue(env.keySet().containsAll(List.of("CLUSTER_DISCOVERY", "CLUSTER_HOST", "MANAGEMENT_HOST", "CLUSTER_TLS")), env.keySet().toString());
  }

  @Test
  void portsMatchTheConfiguration() throws IOException {
    Map<String, Integer> ports = containerPorts();

    assertEquals(settings.http().port(), ports.get("http"));
    assertEquals(config.getInt("pekko.management.http.port"), ports.get("management"));
    assertEquals(config.getInt("pekko.remote.artery.canonical.port"), ports.get("remoting"));
    assertEquals(3, ports.size(), ports.toString());

    Map<String, Object> service = one("Service");
    List<Object> servicePorts = list(get(service, "spec", "ports"));
    assertEquals(1, servicePorts.size(), "the Service exposes the HTTP API only");
    Map<String, Object> http = map(servicePorts.get(0));
    assertEquals(3000, http.get("port"));
    assertEquals(settings.http().port(), port(http.get("targetPort"), ports));

    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(Files.readString(Path.of("Dockerfile")));
    assertTrue(expose.find(), "the Dockerfile exposes the ports");
    assertEquals(new TreeSet<>(ports.values()), Stream.of(expose.group(1).trim().split("\\s+"))
        .map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void probesAskPekkoManagementsHealthEndpoints() {
    Map<String, Integer> ports = containerPorts();
    String ready = "/" + config.getString("pekko.management.health-checks.readiness-path");
    String alive = "/" + config.getString("pekko.management.health-checks.liveness-path");
    assertEquals("/health/ready", ready);
    assertEquals("/health/alive", alive);

    Map<String, String> expected = Map.of("readinessProbe", ready, "livenessProbe", alive, "startupProbe", alive);
    expected.forEach((probe, path) -> {
      Map<String, Object> httpGet = map(get(container, probe, "httpGet"));
      assertEquals(path, httpGet.get("path"), probe);
      assertEquals(config.getInt("pekko.management.http.port"), port(httpGet.get("port"), ports), probe);
    });
  }

  @Test
  void theDeploymentsPodsAreThoseKubernetesDiscoveryLooksFor() {
    assertEquals(Settings.Discovery.KUBERNETES, settings.cluster().discovery());
    String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
    assertEquals("kubernetes-api", config.getString(bootstrap + "discovery-method"));
    String selector = String.format(config.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
        config.getString(bootstrap + "service-name"));
    Map<String, Object> podLabels = map(get(deployment, "spec", "template", "metadata", "labels"));

    assertTrue(podLabels.entrySet().containsAll(labels(selector).entrySet()),
        "discovery lists pods with " + selector + "; the pods are labelled " + podLabels);
    assertTrue(podLabels.entrySet().containsAll(map(get(deployment, "spec", "selector", "matchLabels")).entrySet()));
    assertTrue(podLabels.entrySet().containsAll(map(get(one("Service"), "spec", "selector")).entrySet()));
    assertTrue(podLabels.entrySet().containsAll(map(get(one("PodDisruptionBudget"), "spec", "selector", "matchLabels")).entrySet()));
    // Discovery takes each pod's port of this name as its contact point, which must be management.
    assertEquals(config.getInt("pekko.management.http.port"),
        containerPorts().get(config.getString(bootstrap + "port-name")));
    // Other pods reach this one at the address it advertises.
    assertEquals(POD_IP, config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(POD_IP, config.getString("pekko.management.http.hostname"));
    int replicas = (Integer) get(deployment, "spec", "replicas");
    assertEquals(3, replicas);
    assertTrue(settings.cluster().requiredContactPoints() <= replicas, "a cluster can form");
  }

  @Test
  void podDiscoveryMayGetWatchAndListPods() {
    Map<String, Object> role = one("Role");
    Set<String> verbs = new TreeSet<>();
    for (Object rule : list(get(role, "rules"))) {
      if (list(map(rule).get("resources")).contains("pods") && list(map(rule).get("apiGroups")).contains("")) {
        list(map(rule).get("verbs")).forEach(v -> verbs.add((String) v));
      }
    }
    assertEquals(Set.of("get", "list", "watch"), verbs);

    Map<String, Object> binding = one("RoleBinding");
    assertEquals(get(role, "metadata", "name"), get(binding, "roleRef", "name"));
    assertEquals("Role", get(binding, "roleRef", "kind"));
    String account = (String) podSpec.get("serviceAccountName");
    assertEquals(get(one("ServiceAccount"), "metadata", "name"), account);
    assertTrue(list(binding.get("subjects")).stream().map(KubernetesManifestsTest::map)
        .anyMatch(s -> "ServiceAccount".equals(s.get("kind")) && account.equals(s.get("name"))), "the pods' account is bound");
  }

  @Test
  void terminationGraceOutlastsTheWholeShutdown() {
    Config phases = config.getConfig("pekko.coordinated-shutdown.phases");
    Duration defaultTimeout = config.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
    Duration shutdown = Duration.ZERO;
    for (String phase : phases.root().keySet()) {
      Config p = phases.getConfig("\"" + phase + "\"");
      shutdown = shutdown.plus(p.hasPath("timeout") ? p.getDuration("timeout") : defaultTimeout);
    }
    Duration drain = config.getDuration("pekko.coordinated-shutdown.phases.service-requests-done.timeout");
    Duration grace = Duration.ofSeconds((Integer) podSpec.get("terminationGracePeriodSeconds"));

    assertTrue(shutdown.compareTo(drain) > 0);
    assertTrue(grace.compareTo(shutdown) > 0, "grace " + grace + " must outlast every shutdown phase, " + shutdown);
  }

  @Test
  void secretsAndTlsStoresComeFromTheSecretTemplates() {
    Map<String, Map<String, Object>> secrets = new HashMap<>();
    kind("Secret").forEach(s -> secrets.put((String) get(s, "metadata", "name"), s));
    for (Object entry : list(container.get("env"))) {
      Object ref = map(entry).get("valueFrom") == null ? null : map(map(entry).get("valueFrom")).get("secretKeyRef");
      if (ref != null) {
        Map<String, Object> secret = secrets.get((String) map(ref).get("name"));
        assertTrue(secret != null && map(secret.get("stringData")).containsKey(map(ref).get("key")), "secret key " + ref);
      }
    }

    Map<String, String> mounts = new HashMap<>();
    for (Object mount : list(container.get("volumeMounts"))) {
      mounts.put((String) map(mount).get("name"), (String) map(mount).get("mountPath"));
    }
    assertTrue(settings.cluster().tls().enabled());
    for (String store : List.of(settings.cluster().tls().keyStore(), settings.cluster().tls().trustStore())) {
      Path file = Path.of(store);
      Map<String, Object> volume = list(podSpec.get("volumes")).stream().map(KubernetesManifestsTest::map)
          .filter(v -> Path.of(mounts.getOrDefault((String) v.get("name"), "/nowhere")).equals(file.getParent()))
          .findFirst().orElseThrow(() -> new AssertionError(store + " is in no mounted volume"));
      Map<String, Object> secret = secrets.get((String) get(volume, "secret", "secretName"));
      assertTrue(secret != null && map(secret.get("data")).containsKey(file.getFileName().toString()), store);
    }
    assertTrue(settings.cluster().tls().keyStorePassword().startsWith("change-me"), "the template holds no real password");
  }

  @Test
  void theProcessorRunsAsNonRootWithResourceRequests() throws IOException {
    assertEquals(Boolean.TRUE, get(podSpec, "securityContext", "runAsNonRoot"));
    assertNotEquals(0, get(podSpec, "securityContext", "runAsUser"));
    Map<String, Object> requests = map(get(container, "resources", "requests"));
    assertTrue(requests.containsKey("cpu") && requests.containsKey("memory"), requests.toString());

    String dockerfile = Files.readString(Path.of("Dockerfile"));
    List<String> stages = List.of(dockerfile.split("(?m)^FROM "));
    assertTrue(stages.size() >= 3, "a build stage and a runtime stage");
    String runtime = stages.get(stages.size() - 1);
    Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(runtime);
    assertTrue(user.find(), "the runtime stage sets a user");
    assertFalse(user.group(1).startsWith("root") || user.group(1).startsWith("0"), user.group(1));
    assertEquals(String.valueOf(get(podSpec, "securityContext", "runAsUser")), user.group(1).split(":")[0]);
    assertTrue(runtime.contains("\"" + casino.processor.ProcessorMain.class.getName() + "\""), "the image runs the processor");
  }

  @Test
  void theKustomizationListsEveryManifestButTheSecretTemplates() throws IOException {
    Map<String, Object> kustomization = documents.stream().filter(d -> "Kustomization".equals(d.get("kind")))
        .findFirst().orElseThrow();
    Set<String> files;
    try (Stream<Path> list = Files.list(MANIFESTS)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml") && !n.equals("secret.yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(list(kustomization.get("resources")).stream().map(String::valueOf).toList()));
  }

  /** Each variable's value as the pod would see it: literal, from the secret template, or the pod IP. */
  private static Map<String, String> environment(Map<String, Object> container) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Object entry : list(container.get("env"))) {
      Map<String, Object> variable = map(entry);
      String name = (String) variable.get("name");
      if (variable.containsKey("value")) {
        values.put(name, String.valueOf(variable.get("value")));
      } else if (get(variable, "valueFrom") instanceof Map<?, ?> from && from.get("fieldRef") != null) {
        assertEquals("status.podIP", get(variable, "valueFrom", "fieldRef", "fieldPath"), name);
        values.put(name, POD_IP);
      } else {
        String secret = (String) get(variable, "valueFrom", "secretKeyRef", "name");
        String key = (String) get(variable, "valueFrom", "secretKeyRef", "key");
        Map<String, Object> manifest = kind("Secret").stream().filter(s -> secret.equals(get(s, "metadata", "name")))
            .findFirst().orElseThrow(() -> new AssertionError("no secret " + secret));
        values.put(name, String.valueOf(map(manifest.get("stringData")).get(key)));
      }
    }
    return values;
  }

  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    for (Object p : list(container.get("ports"))) {
      ports.put((String) map(p).get("name"), (Integer) map(p).get("containerPort"));
    }
    return ports;
  }

  /** A probe's or service's port: a number, or the name of a container port. */
  private static int port(Object port, Map<String, Integer> named) {
    return port instanceof Integer number ? number : named.get((String) port);
  }

  /** {@code app=x,tier=y} as a map. */
  private static Map<String, Object> labels(String selector) {
    Map<String, Object> labels = new HashMap<>();
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=", 2);
      labels.put(kv[0].trim(), kv[1].trim());
    }
    return labels;
  }

  private static List<Map<String, Object>> kind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> one(String kind) {
    List<Map<String, Object>> found = kind(kind);
    assertEquals(1, found.size(), "one " + kind);
    return found.get(0);
  }

  private static Object get(Map<String, Object> from, String... path) {
    Object at = from;
    for (String key : path) {
      assertTrue(at instanceof Map<?, ?>, "no " + String.join(".", path) + " in " + from.get("_file"));
      at = map(at).get(key);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertTrue(value instanceof Map<?, ?>, "not a mapping: " + value);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertTrue(value instanceof List<?>, "not a list: " + value);
    return (List<Object>) value;
  }
}
