package casino.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, driven over the DevTools protocol (a WebSocket of the JDK): a real
 * browser for the dashboard's tests. {@link #close()} kills it and everything it started.
 */
public final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private Chromium(Process process, Path profile) {
    this.process = process;
    this.profile = profile;
  }

  /** The browser: {@code CHROMIUM} when set, else Debian's {@code /usr/bin/chromium} (bin/test installs it). */
  public static Path binary() {
    Path binary = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(binary + " not found: bin/test installs Debian's chromium (apt-get install chromium)");
    }
    return binary;
  }

  /** Starts a headless browser with a fresh profile and one blank page, and attaches to that page. */
  public static Chromium start(int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("casino-chromium");
    Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      String page = pageSocket(devToolsPort(process, profile));
      Chromium chromium = new Chromium(process, profile);
      chromium.socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(page), new Listener(chromium::answered))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return chromium;
    } catch (Exception | AssertionError e) {
      kill(process);
      deleteProfile(profile);
      throw e;
    }
  }

  /** The port chromium chose: the first line of DevToolsActivePort in the profile, once it is written. */
  private static int devToolsPort(Process process, Path profile) throws Exception {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("chromium exited with " + process.exitValue() + ":\n"
            + Files.readString(profile.resolve("chromium.log")));
      }
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("chromium did not open its DevTools port within " + TIMEOUT);
  }

  private static String pageSocket(int port) throws Exception {
    HttpResponse<String> list = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(list.body())) {
      if (target.get("type").asText().equals("page")) {
        return target.get("webSocketDebuggerUrl").asText();
      }
    }
    throw new AssertionError("chromium has no page: " + list.body());
  }

  /** Sends a DevTools command and waits for its result; a protocol error fails. */
  public JsonNode send(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    command.set("params", params);
    socket.sendText(command.toString(), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    JsonNode response = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (response.has("error")) {
      throw new AssertionError(method + " failed: " + response.get("error"));
    }
    return response.get("result");
  }

  private void answered(JsonNode message) {
    if (message.has("id")) {
      CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
      if (answer != null) {
        answer.complete(message);
      }
    }
  }

  /** Opens {@code url} and waits until the page and its scripts are loaded. */
  public void open(String url) throws Exception {
    send("Page.navigate", JSON.createObjectNode().put("url", url));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!"complete".equals(evaluate("document.readyState").asText())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(url + " did not load within " + TIMEOUT);
      }
      Thread.sleep(100);
    }
  }

  /** The value of a JavaScript expression in the page (a promise is awaited); an exception in it fails. */
  public JsonNode evaluate(String expression) throws Exception {
    JsonNode result = send("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true).put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new AssertionError(expression + " threw: " + result.get("exceptionDetails"));
    }
    JsonNode value = result.get("result").get("value");
    return value == null ? JSON.nullNode() : value;
  }

  /** A PNG of the page as it is drawn now. */
  public void screenshot(Path file) throws Exception {
    JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.abort();
    }
    kill(process);
    deleteProfile(profile);
  }

  /** SIGKILL to chromium and its helpers (listed first: once it dies they are re-parented). */
  private static void kill(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteProfile(Path profile) throws IOException {
    try (Stream<Path> files = Files.walk(profile)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A helper that has not quite died may still write into it; the temp directory is cleared eventually.
    }
  }

  /** Gathers the frames of each message and hands over the whole message. */
  private static final class Listener implements WebSocket.Listener {
    private final java.util.function.Consumer<JsonNode> onMessage;
    private final StringBuilder partial = new StringBuilder();

    Listener(java.util.function.Consumer<JsonNode> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          onMessage.accept(JSON.readTree(partial.toString()));
        } catch (IOException e) {
          throw new IllegalStateException("not JSON from chromium: " + partial, e);
        } finally {
          partial.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
