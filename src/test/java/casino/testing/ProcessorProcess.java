package casino.testing;

import casino.processor.ProcessorMain;
import casino.quotes.SimulatedRatesApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A processor node in its own JVM, as an operator runs it, on ports of its own: on this
 * machine's loopback, or on a host of a {@link TestNetwork} (a network namespace with an
 * address of its own).
 */
public final class ProcessorProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LOOPBACK = "127.0.0.1";
  /** Every port {@link #freePorts} has handed out (guarded by the class's lock). */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private final JavaProcess process;
  /** Where its HTTP API and Pekko Management listen. */
  private final String address;
  private final int httpPort;
  private final int managementPort;

  private ProcessorProcess(JavaProcess process, String address, int httpPort, int managementPort) {
    this.process = process;
    this.address = address;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /**
   * What a test processor needs: the broker's queues of the test, a Redis key prefix of its
   * own, the rates stand-in with a key, the demo players.
   */
  public static Map<String, String> environment(TestBroker broker, SimulatedRatesApi api) {
    return environment(broker.settings(), api);
  }

  public static Map<String, String> environment(casino.config.Settings.Rabbit queues, SimulatedRatesApi api) {
    Map<String, String> env = new HashMap<>();
    env.put("EVENTS_QUEUE", queues.eventsQueue());
    env.put("DEAD_LETTER_QUEUE", queues.deadLetterQueue());
    env.put("REDIS_KEY_PREFIX", "test:" + java.util.UUID.randomUUID() + ":");
    // A view of the test's own: processors started with this environment share it, no others.
    env.put("VIEW_PERSISTENCE_ID", "test-view-" + java.util.UUID.randomUUID());
    env.put("EXCHANGE_API_URL", api.baseUrl());
    env.put("API_KEY", "test-key");
    env.put("POSTGRES_DEMO_DATA", "true");
    return env;
  }

  /** Starts a processor and waits until it is ready (broker, Redis and database connected). */
  public static ProcessorProcess start(Map<String, String> env) throws Exception {
    return start(env, "/ready");
  }

  /** Starts a processor and waits only until it is alive: for processors whose services are away. */
  public static ProcessorProcess startAlive(Map<String, String> env) throws Exception {
    return start(env, "/health");
  }

  /** Starts a ready processor whose standard output cannot be written. */
  public static ProcessorProcess startWithStdoutClosed(Map<String, String> env) throws Exception {
    return start(env, "/ready", Duration.ofSeconds(60), all -> JavaProcess.start(ProcessorMain.class, all, JavaProcess.Stdout.CLOSED));
  }

  /** Starts a ready processor whose standard output is a pipe that only the test reads ({@link #stdoutPipe()}). */
  public static ProcessorProcess startWithStdoutUnread(Map<String, String> env) throws Exception {
    return start(env, "/ready", Duration.ofSeconds(60), all -> JavaProcess.start(ProcessorMain.class, all, JavaProcess.Stdout.UNREAD));
  }

  /**
   * Starts a processor exactly as the README says, {@code mvn -q exec:java@processor} from the
   * project directory, and waits until it is ready. {@code exec:java} runs the classes already
   * compiled into target/ and compiles nothing, so a build running this test is left alone.
   */
  public static ProcessorProcess startWithMaven(Map<String, String> env) throws Exception {
    return start(env, "/ready", Duration.ofSeconds(120),
        all -> JavaProcess.run("mvn-processor", List.of("mvn", "-q", "exec:java@processor"), all));
  }

  private interface Launcher {
    JavaProcess launch(Map<String, String> env) throws IOException;
  }

  /** One processor to start: its environment, the address it will listen at, how it is run. */
  private record Launch(Map<String, String> env, String address, Launcher launcher) {}

  /**
   * Starts a processor on {@code host} of {@code network}, in the host's namespace, bound to its
   * address and reaching the services through the network's gateway, and waits until it is ready.
   */
  public static ProcessorProcess startOn(TestNetwork network, TestNetwork.Host host, Map<String, String> env)
      throws Exception {
    return startAllOn(network, List.of(host), List.of(env)).get(0);
  }

  /**
   * As {@link #startOn}, one processor per host side by side (environments in the hosts' order),
   * waiting until each is ready; if one does not come up, all are stopped.
   */
  public static List<ProcessorProcess> startAllOn(TestNetwork network, List<TestNetwork.Host> hosts,
      List<Map<String, String>> envs) throws Exception {
    List<Launch> launches = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      TestNetwork.Host host = hosts.get(i);
      launches.add(new Launch(network.environment(host, envs.get(i)), host.address(),
          all -> JavaProcess.startIn(host.namespace(), ProcessorMain.class, all)));
    }
    return startAll(launches, "/ready", Duration.ofSeconds(120));
  }

  private static ProcessorProcess start(Map<String, String> env, String awaitedPath) throws Exception {
    return start(env, awaitedPath, Duration.ofSeconds(60), all -> JavaProcess.start(ProcessorMain.class, all));
  }

  private static ProcessorProcess start(Map<String, String> env, String awaitedPath, Duration timeout, Launcher launcher)
      throws Exception {
    return startAll(List.of(new Launch(env, LOOPBACK, launcher)), awaitedPath, timeout).get(0);
  }

  /**
   * Starts processors side by side (a cluster's nodes start faster together than one after the
   * other) and waits until each is alive; if one does not come up, all are stopped.
   */
  public static List<ProcessorProcess> startAllAlive(List<Map<String, String>> envs) throws Exception {
    Launcher launcher = all -> JavaProcess.start(ProcessorMain.class, all);
    return startAll(envs.stream().map(env -> new Launch(env, LOOPBACK, launcher)).toList(), "/health",
        Duration.ofSeconds(90));
  }

  private static List<ProcessorProcess> startAll(List<Launch> launches, String awaitedPath, Duration timeout)
      throws Exception {
    List<ProcessorProcess> processors = new ArrayList<>();
    try {
      for (Launch launch : launches) {
        int[] ports = freePorts(3);
        Map<String, String> all = new HashMap<>(launch.env());
        all.put("HTTP_PORT", Integer.toString(ports[0]));
        all.putIfAbsent("MANAGEMENT_PORT", Integer.toString(ports[1]));
        all.putIfAbsent("CLUSTER_PORT", Integer.toString(ports[2]));
        processors.add(new ProcessorProcess(launch.launcher().launch(all), launch.address(), ports[0],
            Integer.parseInt(all.get("MANAGEMENT_PORT"))));
      }
      for (ProcessorProcess processor : processors) {
        processor.await(awaitedPath, timeout);
      }
    } catch (Exception | AssertionError e) {
      for (ProcessorProcess processor : processors) {
        processor.close();
      }
      throw e;
    }
    return processors;
  }

  /**
   * {@code n} ports free now and never handed out before in this JVM. A port picked and
   * released may come back from the next pick, while the node it was meant for binds it only
   * seconds after it starts, or later still when a test picks a node's ports before starting it
   * (Cluster Bootstrap's contact points, a seed node's port).
   */
  public static synchronized int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      int picked = 0;
      while (picked < n) {
        ServerSocket socket = new ServerSocket(0);
        held.add(socket);   // one handed out before stays held too, so the next pick is another
        if (HANDED_OUT.add(socket.getLocalPort())) {
          ports[picked++] = socket.getLocalPort();
        }
      }
      return ports;
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }

  public static int freePort() throws IOException {
    return freePorts(1)[0];
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until {@code /ready} answers 200 (broker, Redis, database, and the cluster's view). */
  public void awaitReady(Duration timeout) throws Exception {
    await("/ready", timeout);
  }

  private void await(String path, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.process().isAlive()) {
        throw new AssertionError("processor exited with " + process.process().exitValue() + ":\n" + process.stderr());
      }
      try {
        if (get(path).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("processor: no 200 from " + path + " within " + timeout + ":\n" + process.stderr());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(httpPort, path);
  }

  /** The address of {@code path} on the node's HTTP port, for a browser. */
  public String url(String path) {
    return "http://" + address + ":" + httpPort + path;
  }

  /** Pekko Management of the node: {@code /cluster/members}, {@code /health/ready}. */
  public HttpResponse<String> management(String path) throws IOException, InterruptedException {
    return get(managementPort, path);
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Every member this node knows of and its status ("Joining", "Up", ...), by address, through
   * Pekko Management ({@code /cluster/members}).
   */
  public Map<String, String> members() throws IOException, InterruptedException {
    Map<String, String> members = new TreeMap<>();
    for (JsonNode member : JSON.readTree(management("/cluster/members").body()).path("members")) {
      members.put(member.path("node").asText(), member.path("status").asText());
    }
    return members;
  }

  /** The oldest member as this node sees it (it holds the cluster singletons), by address. */
  public String oldest() throws IOException, InterruptedException {
    return JSON.readTree(management("/cluster/members").body()).path("oldest").asText();
  }

  /** The address its HTTP API and Pekko Management listen at. */
  public String address() {
    return address;
  }

  public boolean alive() {
    return process.process().isAlive();
  }

  /** How many members this node sees Up. */
  public int upMembers() throws IOException, InterruptedException {
    return (int) members().values().stream().filter("Up"::equals).count();
  }

  /** Waits until this node sees exactly {@code n} members Up. */
  public void awaitUpMembers(int n, Duration timeout) throws Exception {
    awaitUpMembers(List.of(this), n, timeout);
  }

  /**
   * Waits until every one of {@code nodes} sees exactly {@code n} members Up, all within one
   * timeout. If they do not, the error says what each node saw and logged, so that a cluster
   * that did not form can be explained from the test's report alone.
   */
  public static void awaitUpMembers(List<ProcessorProcess> nodes, int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ProcessorProcess> waiting = new ArrayList<>(nodes);
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      try {
        if (waiting.get(0).upMembers() == n) {
          waiting.remove(0);
          continue;
        }
      } catch (IOException notYet) {
        // Pekko Management not listening yet
      }
      Thread.sleep(200);
    }
    if (waiting.isEmpty()) {
      return;
    }
    StringBuilder report = new StringBuilder("a cluster of " + n + " did not form within " + timeout);
    for (ProcessorProcess node : nodes) {
      report.append("\n--- node on management port ").append(node.managementPort).append(": ")
          .append(node.diagnosis());
    }
    throw new AssertionError(report.toString());
  }

  /** Whether it runs, the members it sees, and its last warnings and errors (for a failure's report). */
  private String diagnosis() {
    StringBuilder text = new StringBuilder();
    if (alive()) {
      text.append("running; members ");
      try {
        text.append(management("/cluster/members").body());
      } catch (IOException | InterruptedException e) {
        text.append("unknown (").append(e).append(')');
      }
    } else {
      text.append("exited with ").append(process.process().exitValue());
    }
    List<String> notable = stderr().lines().map(ProcessorProcess::logLine)
        .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Cluster Node"))
        .toList();
    text.append("\nits last warnings, errors and membership changes:");
    notable.subList(Math.max(0, notable.size() - 40), notable.size())
        .forEach(line -> text.append("\n  ").append(line.length() > 400 ? line.substring(0, 400) + "..." : line));
    return text.toString();
  }

  /** A JSON log line as "time level message"; a line that is not JSON as it is. */
  private static String logLine(String line) {
    try {
      JsonNode entry = JSON.readTree(line);
      return entry.path("@timestamp").asText() + " " + entry.path("level").asText() + " "
          + entry.path("message").asText();
    } catch (IOException notJson) {
      return line;
    }
  }

  public JsonNode materialized() throws Exception {
    return JSON.readTree(get("/materialized").body());
  }

  /**
   * Every complete stdout line, parsed; fails on a line that is not JSON. A last line still being
   * written (no newline yet) is left for the next call.
   */
  public List<JsonNode> output() throws IOException {
    String text = Files.readString(process.stdoutFile());
    int end = text.lastIndexOf('\n');
    List<JsonNode> lines = new ArrayList<>();
    if (end < 0) {
      return lines;
    }
    for (String line : text.substring(0, end).split("\n", -1)) {
      try {
        lines.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("stdout line is not JSON: " + line, e);
      }
    }
    return lines;
  }

  /**
   * Waits until stdout holds at least {@code n} lines, then returns them all, parsed. While
   * waiting it only counts the newlines of what is new, every 10 ms: parsing everything on each
   * look took long enough for a fast processor to finish a run a test meant to interrupt (see
   * also {@link #awaitLines}).
   */
  public List<JsonNode> awaitOutput(int n, Duration timeout) throws Exception {
    awaitLines(n, timeout);
    return output();
  }

  /**
   * Waits until stdout holds at least {@code n} lines (or the timeout passes) and returns how
   * many it counted, parsing none: for a test that interrupts a run at once after (a fast
   * processor drains a backlog of tens of thousands while they are parsed).
   */
  public long awaitLines(int n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lines = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(process.stdoutFile())) {
      while (lines < n && System.nanoTime() < deadline) {
        int read = in.read(buffer);
        if (read <= 0) {
          Thread.sleep(10);   // at the end of what is written so far; the file grows
          continue;
        }
        for (int i = 0; i < read; i++) {
          lines += buffer[i] == '\n' ? 1 : 0;
        }
      }
    }
    return lines;
  }

  /** Waits for the line of event {@code id}; empty when it was not written within the timeout. */
  public Optional<JsonNode> awaitLine(long id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<JsonNode> line = output().stream().filter(l -> l.get("id").asLong() == id).findFirst();
      if (line.isPresent() || System.nanoTime() >= deadline) {
        return line;
      }
      Thread.sleep(100);
    }
  }

  public Path stdoutFile() {
    return process.stdoutFile();
  }

  /** Standard output's pipe, for a processor started with {@link #startWithStdoutUnread}. */
  public java.io.InputStream stdoutPipe() {
    return process.stdoutPipe();
  }

  public String stderr() {
    return process.stderr();
  }

  public void kill() throws InterruptedException {
    process.kill();
  }

  /** Waits for the processor to exit on its own; its exit status. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout);
  }

  /** SIGTERM, then the exit status. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.process().destroy();
    return process.waitFor(timeout);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.process().isAlive()) {
      kill();
    }
  }
}
