package casino.testing;

import casino.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts of their own on this one machine, so that a test can cut a processor off the network
 * (no FIN, no RST: packets just stop) and heal it. Each host is a Linux network namespace with
 * one address on a bridge: {@code csn<id>} holds {@code 10.213.R.1/24} (R drawn at random), host
 * n is namespace {@code csn<id>-n} at {@code 10.213.R.(10+n)}, joined to the bridge by the veth
 * pair {@code csn<id>-nh} (bridge side) / {@code eth0} (namespace side), its default route via .1.
 *
 * <p>The services (RabbitMQ, Redis, PostgreSQL, a rates stand-in) listen on this machine's
 * loopback, which a namespace cannot reach; forwarders ({@link TcpProxy}) in the test's JVM listen
 * on the gateway address .1 and forward to them. {@link #environment} points a processor's
 * settings at them.
 *
 * <p>Needs root and iproute2's {@code ip}; fails at once, saying so, without them. Everything is
 * removed by {@link #close()}, by a shutdown hook if the JVM exits first, and otherwise by the
 * next run: each network records its owner's pid in {@code /run/casino-test-network/<id>}, and
 * networks whose owner is gone are removed before a new one is made.
 */
public final class TestNetwork implements AutoCloseable {
  private static final String PREFIX = "csn";
  private static final Pattern NAME = Pattern.compile(PREFIX + "([0-9a-f]{4})(?:-\\d+h?)?");
  private static final Path OWNERS = Path.of("/run/casino-test-network");
  /** The second octet of every test network; the third is drawn. */
  private static final int NET = 213;
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);

  private final String id;
  private final String prefix;
  private final InetAddress gateway;
  private final List<Host> hosts = new ArrayList<>();
  /** Forwarders on the gateway, by the loopback port they forward to. */
  private final Map<Integer, TcpProxy> forwarders = new ConcurrentHashMap<>();
  private final Thread shutdownHook;
  private boolean closed;

  /** One host of the network. */
  public static final class Host {
    private final String namespace;
    private final String address;
    private final String veth;

    private Host(String namespace, String address, String veth) {
      this.namespace = namespace;
      this.address = address;
      this.veth = veth;
    }

    public String namespace() {
      return namespace;
    }

    /** Its address, which the test's JVM and the other hosts reach it at. */
    public String address() {
      return address;
    }

    @Override
    public String toString() {
      return namespace + "/" + address;
    }
  }

  private TestNetwork(String id, int thirdOctet) throws IOException {
    this.id = id;
    this.prefix = "10." + NET + "." + thirdOctet + ".";
    this.gateway = InetAddress.getByName(prefix + "1");
    this.shutdownHook = new Thread(() -> remove(id), "test-network-teardown");
  }

  /**
   * A bridge, {@code hostCount} hosts on it, and forwarders on the gateway to the broker, Redis
   * and PostgreSQL of the test's settings (those on loopback).
   */
  public static TestNetwork create(int hostCount) throws Exception {
    requireRootAndIp();
    removeLeftovers();
    Files.createDirectories(OWNERS);
    String id = claimId();
    TestNetwork network = new TestNetwork(id, freeThirdOctet());
    Runtime.getRuntime().addShutdownHook(network.shutdownHook);
    try {
      network.build(hostCount);
      Settings settings = Settings.load();
      for (String service : List.of(settings.rabbit().uri(), settings.redis().uri(),
          settings.database().url().substring("jdbc:".length()))) {
        URI uri = URI.create(service);
        if (isLoopback(uri.getHost())) {
          network.forward(port(uri));
        }
      }
      return network;
    } catch (Exception | AssertionError e) {
      network.close();
      throw e;
    }
  }

  /**
   * A fresh id, its owner file holding this JVM's pid. The file is complete before it has its
   * name (a hard link fails when the name exists): no other run sees it half written, or takes
   * the same id.
   */
  private static String claimId() throws IOException {
    Path written = Files.createTempFile(OWNERS, "claim", "");
    try {
      Files.writeString(written, Long.toString(ProcessHandle.current().pid()));
      while (true) {
        String id = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        try {
          Files.createLink(ownerFile(id), written);
          return id;
        } catch (java.nio.file.FileAlreadyExistsException taken) {
          // another network's id: draw again
        }
      }
    } finally {
      Files.deleteIfExists(written);
    }
  }

  private void build(int hostCount) {
    String bridge = PREFIX + id;
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", gateway.getHostAddress() + "/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    for (int n = 1; n <= hostCount; n++) {
      Host host = new Host(bridge + "-" + n, prefix + (10 + n), bridge + "-" + n + "h");
      hosts.add(host);
      ip("netns", "add", host.namespace);
      ip("link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.namespace);
      ip("link", "set", host.veth, "master", bridge, "up");
      ip("-n", host.namespace, "addr", "add", host.address + "/24", "dev", "eth0");
      ip("-n", host.namespace, "link", "set", "lo", "up");
      ip("-n", host.namespace, "link", "set", "eth0", "up");
      ip("-n", host.namespace, "route", "add", "default", "via", gateway.getHostAddress());
    }
  }

  /** Hosts 1 … n. */
  public Host host(int n) {
    return hosts.get(n - 1);
  }

  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** The bridge's address, where the forwarders listen. */
  public String gateway() {
    return gateway.getHostAddress();
  }

  /** A forwarder on the gateway to {@code 127.0.0.1:loopbackPort} (one per port); its port. */
  public synchronized int forward(int loopbackPort) {
    return forwarders.computeIfAbsent(loopbackPort, p -> {
      try {
        return TcpProxy.on(gateway, "127.0.0.1", p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).port();
  }

  /**
   * The ports of {@code host}'s connections to the service at {@code loopbackPort} as the service
   * sees them (they come from the forwarder): for a test to ask the service whether it still
   * holds them once the host has gone silent. The forwarder itself cannot tell: a connection to
   * a silent host stays open in it while its writes to the host are stuck.
   */
  public Set<Integer> servicePortsFor(Host host, int loopbackPort) throws IOException {
    TcpProxy forwarder = forwarders.get(loopbackPort);
    return forwarder == null ? Set.of() : forwarder.servicePortsFor(InetAddress.getByName(host.address));
  }

  /**
   * {@code env} for a processor on {@code host}: its cluster, Pekko Management and HTTP bind to
   * the host's address, and the broker, Redis, PostgreSQL and rates API it would reach on
   * loopback are reached through forwarders on the gateway. The rest is left as it is.
   */
  public Map<String, String> environment(Host host, Map<String, String> env) {
    Settings defaults = Settings.load();
    Map<String, String> all = new HashMap<>(env);
    all.put("CLUSTER_HOST", host.address);
    all.put("MANAGEMENT_HOST", host.address);
    all.put("HTTP_HOST", host.address);
    all.put("RABBITMQ_ADDRESS", viaGateway(all.getOrDefault("RABBITMQ_ADDRESS", defaults.rabbit().uri())));
    all.put("REDIS_ADDRESS", viaGateway(all.getOrDefault("REDIS_ADDRESS", defaults.redis().uri())));
    all.put("POSTGRES_URL", "jdbc:" + viaGateway(all.getOrDefault("POSTGRES_URL", defaults.database().url())
        .substring("jdbc:".length())));
    if (all.containsKey("EXCHANGE_API_URL")) {
      all.put("EXCHANGE_API_URL", viaGateway(all.get("EXCHANGE_API_URL")));
    }
    return all;
  }

  /** {@code uri} with a loopback host replaced by the gateway's forwarder to it. */
  private String viaGateway(String uri) {
    URI parsed = URI.create(uri.contains("://") ? uri : "redis://" + uri);
    if (!isLoopback(parsed.getHost())) {
      return uri;
    }
    String user = parsed.getRawUserInfo() == null ? "" : parsed.getRawUserInfo() + "@";
    String authority = user + gateway.getHostAddress() + ":" + forward(port(parsed));
    return parsed.toString().replaceFirst(Pattern.quote(parsed.getRawAuthority()), Matcher.quoteReplacement(authority));
  }

  /**
   * Takes {@code host} off the network: both ends of its veth go down, so its packets go nowhere
   * and none reach it; no connection is closed, on either side. Checked before it returns.
   */
  public void cut(Host host) throws Exception {
    ip("link", "set", host.veth, "down");
    ip("-n", host.namespace, "link", "set", "eth0", "down");
    if (reachesGateway(host) || reachable(host)) {
      throw new AssertionError(host + " still reaches the network after the cut");
    }
  }

  /** Puts {@code host} back on the network (its default route went with the link); checked. */
  public void heal(Host host) throws Exception {
    ip("link", "set", host.veth, "up");
    ip("-n", host.namespace, "link", "set", "eth0", "up");
    ip("-n", host.namespace, "route", "replace", "default", "via", gateway.getHostAddress());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!(reachesGateway(host) && reachable(host))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(host + " does not reach the network again after the heal");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Whether a TCP connect from the test's JVM to {@code host} gets an answer. Port 1 is closed: a
   * refusal proves the path as well as an accept does, and no listener is needed.
   */
  private static boolean reachable(Host host) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host.address, 1), (int) CHECK_TIMEOUT.toMillis());
      return true;
    } catch (java.net.ConnectException refused) {
      return refused.getMessage() != null && refused.getMessage().contains("refused");
    } catch (IOException timedOutOrUnreachable) {
      return false;
    }
  }

  /** Whether a TCP connect from inside {@code host} to port 1 of the gateway gets an answer. */
  private boolean reachesGateway(Host host) throws IOException, InterruptedException {
    Result r = run(List.of("ip", "netns", "exec", host.namespace, "timeout", Long.toString(CHECK_TIMEOUT.toSeconds()),
        "bash", "-c", "exec 3<>/dev/tcp/" + gateway.getHostAddress() + "/1"));
    return r.status == 0 || r.output.contains("refused");
  }

  /** Kills what runs in the hosts, removes the hosts, the bridge and the forwarders. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TcpProxy forwarder : forwarders.values()) {
      try {
        forwarder.close();
      } catch (IOException ignored) {
        // removed with the network anyway
      }
    }
    remove(id);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // called from a shutdown hook of the test itself: ours runs too, harmlessly
    }
  }

  /**
   * Removes the networks left by runs whose JVM is gone (killed before its shutdown hooks ran),
   * and only those: a network whose owner still runs belongs to a test running now.
   */
  public static void removeLeftovers() {
    Set<String> ids = new TreeSet<>();
    for (String name : namespaces()) {
      idOf(name).ifPresent(ids::add);
    }
    for (String name : links()) {
      idOf(name).ifPresent(ids::add);
    }
    try (var owned = Files.list(OWNERS)) {
      owned.map(p -> p.getFileName().toString()).filter(name -> name.matches("[0-9a-f]{4}")).forEach(ids::add);
    } catch (IOException noneYet) {
      // no network was ever made here
    }
    for (String id : ids) {
      if (!ownerAlive(id)) {
        remove(id);
      }
    }
  }

  /** Every namespace and link of network {@code id}, then its owner file; errors are ignored. */
  private static void remove(String id) {
    String bridge = PREFIX + id;
    List<String> namespaces = namespaces().stream().filter(n -> n.startsWith(bridge + "-")).toList();
    // Processes keep a namespace, and the veth in it, alive after its name is removed: end them first.
    List<ProcessHandle> inside = new ArrayList<>();
    for (String ns : namespaces) {
      for (String pid : runQuietly("ip", "netns", "pids", ns).output.split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(inside::add);
        }
      }
    }
    inside.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : inside) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception stillThere) {
        // removed as far as it can be; the next run tries again
      }
    }
    for (String ns : namespaces) {
      runQuietly("ip", "netns", "del", ns);
    }
    for (String link : links()) {
      if (link.startsWith(bridge + "-")) {
        runQuietly("ip", "link", "del", link);
      }
    }
    if (links().contains(bridge)) {
      runQuietly("ip", "link", "del", bridge);
    }
    try {
      Files.deleteIfExists(ownerFile(id));
    } catch (IOException ignored) {
      // a stale owner file only makes the next run look again
    }
  }

  private static boolean ownerAlive(String id) {
    try {
      long pid = Long.parseLong(Files.readString(ownerFile(id)).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException noOwner) {
      // A network without its owner file (a crash between the two) or with an unreadable one.
      return false;
    }
  }

  private static java.util.Optional<String> idOf(String name) {
    Matcher m = NAME.matcher(name);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  private static Path ownerFile(String id) {
    return OWNERS.resolve(id);
  }

  private static List<String> namespaces() {
    List<String> names = new ArrayList<>();
    for (String line : runQuietly("ip", "netns", "list").output.split("\n")) {
      if (!line.isBlank()) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }

  /** Link names of the test's own namespace (a veth's {@code @peer} cut off). */
  private static List<String> links() {
    List<String> names = new ArrayList<>();
    Pattern link = Pattern.compile("^\\d+: ([^:@\\s]+)[@:]");
    for (String line : runQuietly("ip", "-o", "link", "show").output.split("\n")) {
      Matcher m = link.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** A third octet no address or route of this machine uses yet under 10.213. */
  private static int freeThirdOctet() {
    String used = runQuietly("ip", "-4", "-o", "addr", "show").output + runQuietly("ip", "-4", "route", "show").output;
    for (int attempt = 0; attempt < 100; attempt++) {
      int third = ThreadLocalRandom.current().nextInt(256);
      if (!used.contains("10." + NET + "." + third + ".")) {
        return third;
      }
    }
    throw new IllegalStateException("no free 10." + NET + ".x.0/24 for a test network");
  }

  private static boolean isLoopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return switch (uri.getScheme()) {
      case "amqp" -> 5672;
      case "redis" -> 6379;
      case "postgresql" -> 5432;
      case "http" -> 80;
      default -> throw new IllegalArgumentException("no default port known for " + uri);
    };
  }

  private static void requireRootAndIp() {
    Result ip = runQuietly("ip", "-V");
    if (ip.status != 0) {
      throw new IllegalStateException("test networks need iproute2's ip command: " + ip.output);
    }
    Result uid = runQuietly("id", "-u");
    if (!uid.output.trim().equals("0")) {
      throw new IllegalStateException("test networks (network namespaces, a bridge) need root; running as uid "
          + uid.output.trim());
    }
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Result r;
    try {
      r = run(command);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + e, e);
    }
    if (r.status != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (" + r.status + "): " + r.output.trim());
    }
  }

  private record Result(int status, String output) {}

  private static Result runQuietly(String... command) {
    try {
      return run(List.of(command));
    } catch (IOException | InterruptedException e) {
      return new Result(-1, e.toString());
    }
  }

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, String.join(" ", command) + " did not finish: " + output);
    }
    return new Result(p.exitValue(), output);
  }
}
