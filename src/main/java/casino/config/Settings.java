package casino.config;

import casino.publish.IdGenerator;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Every setting of the pipeline, read once from {@code conf/application.conf} (and the
 * environment variables it names) into typed records. Nothing else reads configuration.
 */
public record Settings(
    Rabbit rabbit,
    Redis redis,
    Rates rates,
    Database database,
    Http http,
    Processor processor,
    Cluster cluster,
    Publisher publisher,
    View view) {

  public static Settings load() {
    return from(ConfigFactory.load());
  }

  public static Settings from(Config root) {
    try {
      Config c = root.getConfig("casino");
      return new Settings(
          Rabbit.from(c.getConfig("rabbitmq")),
          Redis.from(c.getConfig("redis")),
          Rates.from(c.getConfig("rates")),
          Database.from(c.getConfig("database")),
          new Http(c.getString("http.host"), port(c, "http.port")),
          Processor.from(c, root),
          Cluster.from(c.getConfig("cluster")),
          Publisher.from(c.getConfig("publisher")),
          View.from(c.getConfig("view")));
    } catch (ConfigException e) {
      throw new InvalidSettingsException(e.getMessage(), e);
    }
  }

  public record Rabbit(
      String uri,
      String eventsQueue,
      String deadLetterQueue,
      int prefetch,
      Duration connectTimeout,
      Duration ackDrainTimeout,
      Duration reconnectMinBackoff,
      Duration reconnectMaxBackoff,
      Duration heartbeat) {

    static Rabbit from(Config c) {
      String uri = c.getString("uri");
      requireUri(uri, "amqp", "amqps");
      return new Rabbit(
          uri,
          nonEmpty(c, "events-queue"),
          nonEmpty(c, "dead-letter-queue"),
          atLeastOne(c, "prefetch"),
          positive(c, "connect-timeout"),
          positive(c, "ack-drain-timeout"),
          positive(c, "reconnect-min-backoff"),
          positive(c, "reconnect-max-backoff"),
          heartbeat(c, "heartbeat"));
    }

    /**
     * AMQP negotiates the heartbeat in whole seconds (an unsigned 16-bit field); zero would turn
     * it off, and with it the broker's only way to notice a client that vanished without a FIN.
     */
    private static Duration heartbeat(Config c, String path) {
      Duration value = positive(c, path);
      if (value.toMillis() % 1000 != 0 || value.toSeconds() > 65535) {
        throw new InvalidSettingsException(path + " (RABBITMQ_HEARTBEAT) must be whole seconds, 1s-65535s, got " + value);
      }
      return value;
    }

    public Rabbit withQueues(String events, String deadLetters) {
      return new Rabbit(uri, events, deadLetters, prefetch, connectTimeout, ackDrainTimeout,
          reconnectMinBackoff, reconnectMaxBackoff, heartbeat);
    }

    public Rabbit withAckDrainTimeout(Duration timeout) {
      return new Rabbit(uri, eventsQueue, deadLetterQueue, prefetch, connectTimeout, timeout,
          reconnectMinBackoff, reconnectMaxBackoff, heartbeat);
    }

    public Rabbit withPrefetch(int newPrefetch) {
      return new Rabbit(uri, eventsQueue, deadLetterQueue, newPrefetch, connectTimeout,
          ackDrainTimeout, reconnectMinBackoff, reconnectMaxBackoff, heartbeat);
    }

    @Override
    public String toString() {
      return "Rabbit[uri=" + Secrets.maskUri(uri) + ", eventsQueue=" + eventsQueue
          + ", deadLetterQueue=" + deadLetterQueue + ", prefetch=" + prefetch
          + ", connectTimeout=" + connectTimeout + ", ackDrainTimeout=" + ackDrainTimeout
          + ", reconnectBackoff=" + reconnectMinBackoff + ".." + reconnectMaxBackoff
          + ", heartbeat=" + heartbeat + "]";
    }
  }

  /** {@code uri} is always a {@code redis://} URI, whichever form the address was given in. */
  public record Redis(String uri, String keyPrefix) {
    static Redis from(Config c) {
      String address = c.getString("address").trim();
      String uri = address.contains("://") ? address : "redis://" + address;
      requireUri(uri, "redis", "rediss");
      return new Redis(uri, c.getString("key-prefix"));
    }

    @Override
    public String toString() {
      return "Redis[uri=" + Secrets.maskUri(uri) + ", keyPrefix=" + keyPrefix + "]";
    }
  }

  public record Rates(
      String baseUrl,
      String apiKey,
      Duration requestTimeout,
      Duration ttl,
      Duration refreshAhead,
      Duration lockTtl) {

    static Rates from(Config c) {
      String baseUrl = c.getString("base-url");
      requireUri(baseUrl, "http", "https");
      Duration ttl = positive(c, "ttl");
      Duration refreshAhead = c.getDuration("refresh-ahead");
      if (refreshAhead.isNegative() || refreshAhead.compareTo(ttl) >= 0) {
        throw new InvalidSettingsException(
            "casino.rates.refresh-ahead must be at least 0 and shorter than casino.rates.ttl (" + ttl + ")");
      }
      return new Rates(baseUrl, c.getString("api-key"), positive(c, "request-timeout"), ttl,
          refreshAhead, positive(c, "lock-ttl"));
    }

    /** Quotes older than this are refreshed (while still usable until the TTL). */
    public Duration refreshAfter() {
      return ttl.minus(refreshAhead);
    }

    /** Without a key the processor serves simulated rates from its built-in stand-in. */
    public boolean simulated() {
      return apiKey.isBlank();
    }

    public Rates withBaseUrl(String url, String key) {
      return new Rates(url, key, requestTimeout, ttl, refreshAhead, lockTtl);
    }

    public Rates withTtl(Duration newTtl, Duration newRefreshAhead) {
      return new Rates(baseUrl, apiKey, requestTimeout, newTtl, newRefreshAhead, lockTtl);
    }

    @Override
    public String toString() {
      return "Rates[baseUrl=" + baseUrl + ", apiKey=" + Secrets.mask(apiKey)
          + ", requestTimeout=" + requestTimeout + ", ttl=" + ttl + ", refreshAhead=" + refreshAhead
          + ", lockTtl=" + lockTtl + "]";
    }
  }

  /**
   * {@code queryTimeout}: the longest a player query may run on the server; a connection that
   * stays silent a second longer is dropped, and opening one may take as long.
   */
  public record Database(
      String url, String user, String password, int poolSize, Duration queryTimeout, boolean migrateOnStart,
      boolean demoData, Path migrations) {

    static Database from(Config c) {
      String url = c.getString("url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new InvalidSettingsException(
            "casino.database.url (POSTGRES_URL) must be a jdbc:postgresql: URL, got " + url);
      }
      return new Database(url, c.getString("user"), c.getString("password"),
          atLeastOne(c, "pool-size"), positive(c, "query-timeout"), c.getBoolean("migrate-on-start"),
          c.getBoolean("demo-data"), Path.of(c.getString("migrations")));
    }

    public Database withDemoData(boolean demo) {
      return new Database(url, user, password, poolSize, queryTimeout, migrateOnStart, demo, migrations);
    }

    public Database withQueryTimeout(Duration timeout) {
      return new Database(url, user, password, poolSize, timeout, migrateOnStart, demoData, migrations);
    }

    @Override
    public String toString() {
      return "Database[url=" + url + ", user=" + user + ", password=" + Secrets.mask(password)
          + ", poolSize=" + poolSize + ", queryTimeout=" + queryTimeout + ", migrateOnStart=" + migrateOnStart
          + ", demoData=" + demoData + ", migrations=" + migrations + "]";
    }
  }

  public record Http(String host, int port) {}

  /**
   * {@code batchLinger}: how long a batch may wait for more events while they arrive at least
   * {@code lingerFromRate} a second (zero: never). {@code countGather}: how long written batches
   * gather before they are counted and acked together (zero: only while a count is under way).
   */
  public record Processor(Duration enrichmentTimeout, int workers, Duration batchLinger, int lingerFromRate,
      Duration countGather) {
    /** Where Pekko's scheduler takes the length of its tick from. */
    static final String SCHEDULER_TICK = "pekko.scheduler.tick-duration";

    /**
     * Lingers are timed by Pekko's scheduler, which rounds a delay up to whole ticks and may add
     * one: a linger shorter than a tick would silently last one or two ticks (with the default
     * tick of 10 ms, a linger of 5 ms was seen lasting 30 ms). Refused rather than stretched.
     */
    static Processor from(Config c, Config root) {
      Processor processor = new Processor(
          positive(c, "processor.enrichment-timeout"), atLeastOne(c, "processor.workers"),
          notNegative(c, "processor.batch-linger"), atLeast(c, "processor.linger-from-rate", 0),
          notNegative(c, "processor.count-gather"));
      if (root.hasPath(SCHEDULER_TICK)) {
        Duration tick = root.getDuration(SCHEDULER_TICK);
        Map.of("processor.batch-linger", processor.batchLinger(), "processor.count-gather", processor.countGather())
            .forEach((path, linger) -> {
              if (!linger.isZero() && linger.compareTo(tick) < 0) {
                throw new InvalidSettingsException(String.format(Locale.ROOT,
                    "%s is %s ms, shorter than the scheduler's tick (%s = %s ms), which cannot time it: set the linger"
                        + " to 0s or at least the tick, or shorten the tick (-D%s=1ms)",
                    path, linger.toNanos() / 1e6, SCHEDULER_TICK, tick.toNanos() / 1e6, SCHEDULER_TICK));
              }
            });
      }
      return processor;
    }
  }

  /**
   * How a node finds the others: {@code seedNodes} (an empty list: a cluster of its own), or
   * Cluster Bootstrap through a discovery method, which looks up {@code serviceName} and forms
   * or joins a cluster once {@code requiredContactPoints} contact points answer.
   * {@code contactPoints}: the static list of Pekko Management addresses ({@code config}).
   * {@code tls}: the transport between nodes.
   */
  public record Cluster(
      Discovery discovery, List<String> seedNodes, String serviceName, List<ContactPoint> contactPoints,
      int requiredContactPoints, Tls tls) {

    static Cluster from(Config c) {
      Discovery discovery = Discovery.named(c.getString("discovery"));
      List<String> seedNodes = commaSeparated(c.getString("seed-nodes"));
      List<ContactPoint> contactPoints = commaSeparated(c.getString("contact-points")).stream()
          .map(ContactPoint::parse).toList();
      int required = atLeastOne(c, "required-contact-points");
      if (discovery != Discovery.SEED_NODES && !seedNodes.isEmpty()) {
        throw new InvalidSettingsException("casino.cluster.seed-nodes (CLUSTER_SEED_NODES) is used only with"
            + " discovery seed-nodes; discovery is " + discovery.configName());
      }
      if (discovery == Discovery.CONFIG && contactPoints.size() < required) {
        throw new InvalidSettingsException("casino.cluster.contact-points (CLUSTER_CONTACT_POINTS) must list at least"
            + " required-contact-points (" + required + ") host:port addresses for discovery config, got "
            + contactPoints.size());
      }
      return new Cluster(discovery, seedNodes, nonEmpty(c, "service-name"), contactPoints, required,
          Tls.from(c.getConfig("tls")));
    }

    public boolean bootstrap() {
      return discovery != Discovery.SEED_NODES;
    }
  }

  /**
   * TLS with mutual authentication between nodes when {@code enabled}: this node's key store and
   * the trust store of the CAs whose nodes it accepts.
   */
  public record Tls(
      boolean enabled, String keyStore, String keyStorePassword, String keyPassword, String trustStore,
      String trustStorePassword) {

    static Tls from(Config c) {
      String keyStorePassword = c.getString("key-store-password");
      String keyPassword = c.getString("key-password").isEmpty() ? keyStorePassword : c.getString("key-password");
      Tls tls = new Tls(c.getBoolean("enabled"), c.getString("key-store"), keyStorePassword, keyPassword,
          c.getString("trust-store"), c.getString("trust-store-password"));
      Map<String, String> required = Map.of("key-store", "CLUSTER_TLS_KEYSTORE",
          "key-store-password", "CLUSTER_TLS_KEYSTORE_PASSWORD", "trust-store", "CLUSTER_TLS_TRUSTSTORE",
          "trust-store-password", "CLUSTER_TLS_TRUSTSTORE_PASSWORD");
      required.forEach((path, variable) -> {
        if (tls.enabled && c.getString(path).isBlank()) {
          throw new InvalidSettingsException("casino.cluster.tls." + path + " (" + variable
              + ") must be set when cluster TLS is on");
        }
      });
      return tls;
    }

    @Override
    public String toString() {
      return "Tls[enabled=" + enabled + ", keyStore=" + keyStore + ", keyStorePassword=" + Secrets.mask(keyStorePassword)
          + ", keyPassword=" + Secrets.mask(keyPassword) + ", trustStore=" + trustStore
          + ", trustStorePassword=" + Secrets.mask(trustStorePassword) + "]";
    }
  }

  /** {@code pekkoMethod}: the Pekko Discovery method Cluster Bootstrap uses (none for seed nodes). */
  public enum Discovery {
    SEED_NODES("seed-nodes", ""),
    CONFIG("config", "config"),
    KUBERNETES("kubernetes", "kubernetes-api"),
    DNS("dns", "pekko-dns");

    private final String configName;
    private final String pekkoMethod;

    Discovery(String configName, String pekkoMethod) {
      this.configName = configName;
      this.pekkoMethod = pekkoMethod;
    }

    public String configName() {
      return configName;
    }

    public String pekkoMethod() {
      return pekkoMethod;
    }

    static Discovery named(String name) {
      for (Discovery d : values()) {
        if (d.configName.equals(name.trim())) {
          return d;
        }
      }
      throw new InvalidSettingsException("casino.cluster.discovery (CLUSTER_DISCOVERY) must be one of seed-nodes,"
          + " config, kubernetes, dns; got \"" + name + "\"");
    }
  }

  /** A node's Pekko Management address, as other nodes reach it. */
  public record ContactPoint(String host, int port) {
    static ContactPoint parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      try {
        int port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : -1;
        if (port > 0 && port <= 65535) {
          return new ContactPoint(hostPort.substring(0, colon), port);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new InvalidSettingsException("casino.cluster.contact-points (CLUSTER_CONTACT_POINTS) must be"
          + " comma-separated host:port addresses of Pekko Management, got \"" + hostPort + "\"");
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private static List<String> commaSeparated(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * The cluster-wide view: its journal's id (one per deployment sharing a database), how long
   * and how many event ids it remembers to count each once, how often nodes refresh their copy.
   */
  public record View(String persistenceId, Duration dedupHorizon, long maxRememberedIds, Duration refresh, int snapshotEvery) {
    static View from(Config c) {
      Duration horizon = positive(c, "dedup-horizon");
      if (horizon.compareTo(Duration.ofHours(1)) < 0) {
        throw new InvalidSettingsException("casino.view.dedup-horizon must be at least 1h (SPEC 6), got " + horizon);
      }
      long maxIds = c.getLong("max-remembered-ids");
      if (maxIds < 1_000) {
        throw new InvalidSettingsException("casino.view.max-remembered-ids must be at least 1000, got " + maxIds);
      }
      return new View(nonEmpty(c, "persistence-id"), horizon, maxIds, positive(c, "refresh"), atLeast(c, "snapshot-every", 10));
    }
  }

  public record Publisher(OptionalInt nodeId, int confirmWindow, Duration confirmTimeout) {
    static Publisher from(Config c) {
      String node = c.getString("node-id").trim();
      OptionalInt nodeId = OptionalInt.empty();
      if (!node.isEmpty()) {
        try {
          nodeId = OptionalInt.of(Integer.parseInt(node));
        } catch (NumberFormatException e) {
          nodeId = OptionalInt.of(-1);
        }
        if (nodeId.getAsInt() < 0 || nodeId.getAsInt() >= IdGenerator.NODE_IDS) {
          throw new InvalidSettingsException("casino.publisher.node-id (PUBLISHER_NODE_ID) must be an integer 0-"
              + (IdGenerator.NODE_IDS - 1) + ", got " + node);
        }
      }
      return new Publisher(nodeId, atLeastOne(c, "confirm-window"), positive(c, "confirm-timeout"));
    }
  }

  private static String nonEmpty(Config c, String path) {
    String value = c.getString(path);
    if (value.isBlank()) {
      throw new InvalidSettingsException(path + " must not be empty");
    }
    return value;
  }

  private static int atLeastOne(Config c, String path) {
    return atLeast(c, path, 1);
  }

  private static int atLeast(Config c, String path, int min) {
    int value = c.getInt(path);
    if (value < min) {
      throw new InvalidSettingsException(path + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  private static int port(Config c, String path) {
    int value = c.getInt(path);
    if (value < 0 || value > 65535) {
      throw new InvalidSettingsException(path + " must be a port number 0-65535, got " + value);
    }
    return value;
  }

  private static Duration positive(Config c, String path) {
    return duration(c, path, false);
  }

  private static Duration notNegative(Config c, String path) {
    return duration(c, path, true);
  }

  private static Duration duration(Config c, String path, boolean zeroAllowed) {
    Duration value = c.getDuration(path);
    if (value.isNegative() || (value.isZero() && !zeroAllowed)) {
      throw new InvalidSettingsException(
          path + (zeroAllowed ? " must not be negative" : " must be a positive duration") + ", got " + value);
    }
    return value;
  }

  private static void requireUri(String value, String... schemes) {
    try {
      String scheme = new URI(value).getScheme();
      for (String allowed : schemes) {
        if (allowed.equalsIgnoreCase(scheme)) {
          return;
        }
      }
    } catch (URISyntaxException e) {
      throw new InvalidSettingsException("not a valid URI: " + Secrets.maskUri(value));
    }
    throw new InvalidSettingsException(
        "URI " + Secrets.maskUri(value) + " must use one of the schemes " + String.join(", ", schemes));
  }
}
