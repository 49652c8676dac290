package casino.quotes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in of the rates API (same request and response shape) with rates drifting
 * around realistic values. The demo uses it when there is no API key; the tests switch on its
 * failure modes.
 */
public final class SimulatedRatesApi implements AutoCloseable {
  /**
   * {@code STALLED_BODY}: status and headers (with the body's length) go out at once, then half
   * the body, and then nothing on that connection until the stand-in closes: a server that hangs
   * mid-answer. Requests that arrive after a change of mode get the new mode's answer.
   */
  public enum Mode { OK, DOWN, FAILURE_BODY, GARBAGE, ZERO_QUOTE, SLOW, STALLED_BODY }

  private static final Map<String, BigDecimal> BASE = Map.of(
      "EURUSD", new BigDecimal("1.0684"),
      "EURGBP", new BigDecimal("0.8571"),
      "EURNZD", new BigDecimal("1.8012"),
      "EURBTC", new BigDecimal("0.00001617"));

  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private final SplittableRandom random = new SplittableRandom();
  /** Stalled answers wait for it. */
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile Mode mode = Mode.OK;
  private volatile boolean drift = true;
  private volatile Duration slowness = Duration.ofSeconds(10);

  private SimulatedRatesApi(HttpServer server) {
    this.server = server;
  }

  /** Starts on 127.0.0.1 at {@code port} (0: any free port). */
  public static SimulatedRatesApi start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    SimulatedRatesApi api = new SimulatedRatesApi(server);
    server.createContext("/live", api::handle);
    // A thread per request as needed: stalled answers hold theirs until the stand-in closes.
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "simulated-rates-api");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return api;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void mode(Mode newMode) {
    mode = newMode;
  }

  /** Fixed quotes (the base values) instead of drifting ones: for exact expectations. */
  public void fixed() {
    drift = false;
  }

  public void slowness(Duration delay) {
    slowness = delay;
  }

  /** Requests received, whatever was answered. */
  public int calls() {
    return calls.get();
  }

  public static BigDecimal baseQuote(String pair) {
    return BASE.get(pair);
  }

  private void handle(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    String query = exchange.getRequestURI().getQuery();
    Mode current = mode;
    try (exchange) {
      if (query == null || !query.matches(".*\\baccess_key=[^&]+.*")) {
        respond(exchange, 200, "{\"success\":false,\"error\":{\"code\":101,\"type\":\"missing_access_key\"}}");
        return;
      }
      switch (current) {
        case DOWN -> respond(exchange, 503, "Service Unavailable");
        case FAILURE_BODY -> respond(exchange, 200, "{\"success\":false,\"error\":{\"code\":104,\"type\":\"usage_limit_reached\"}}");
        case GARBAGE -> respond(exchange, 200, "<html>not json</html>");
        case ZERO_QUOTE -> respond(exchange, 200, body(Map.of("EURUSD", BigDecimal.ZERO)));
        case SLOW -> {
          sleep(slowness);
          respond(exchange, 200, body(quotes()));
        }
        case STALLED_BODY -> stallMidBody(exchange, body(quotes()));
        case OK -> respond(exchange, 200, body(quotes()));
      }
    }
  }

  private Map<String, BigDecimal> quotes() {
    Map<String, BigDecimal> quotes = new LinkedHashMap<>();
    BASE.forEach((pair, base) -> quotes.put(pair, drift
        ? base.multiply(BigDecimal.valueOf(1 + (random.nextDouble() - 0.5) * 0.01), MathContext.DECIMAL64)
            .round(new MathContext(6))
        : base));
    return quotes;
  }

  private static String body(Map<String, BigDecimal> quotes) {
    StringBuilder json = new StringBuilder("{\"success\":true,\"timestamp\":")
        .append(System.currentTimeMillis() / 1000).append(",\"source\":\"EUR\",\"quotes\":{");
    String sep = "";
    for (Map.Entry<String, BigDecimal> q : quotes.entrySet()) {
      json.append(sep).append('"').append(q.getKey()).append("\":").append(q.getValue().toPlainString());
      sep = ",";
    }
    return json.append("}}").toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void stallMidBody(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    OutputStream out = exchange.getResponseBody();
    out.write(bytes, 0, bytes.length / 2);
    out.flush();
    try {
      closing.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
