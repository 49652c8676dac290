package casino.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.cluster.Membership;
import casino.config.Settings;
import casino.metrics.Metrics;
import casino.testing.InMemoryPersistence;
import casino.testing.Scrape;
import casino.view.Entries;
import casino.view.Figures;
import casino.view.ViewActor;
import casino.view.ViewKeeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.javadsl.testkit.JUnitRouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API over a real view actor with a fixed clock. */
class RoutesTest extends JUnitRouteTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private ActorTestKit typed;
  private ActorRef<ViewKeeper.Command> keeper;
  private ActorRef<ViewActor.Command> view;
  private long counted;
  private Map<String, Boolean> readiness;
  private OptionalLong deadLetters = OptionalLong.empty();
  private List<Membership.Node> members = List.of();
  private Metrics metrics;
  private TestRoute route;

  @BeforeEach
  void start() {
    systemResource().before();
    typed = ActorTestKit.create(InMemoryPersistence.config());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    keeper = typed.spawn(ViewKeeper.create(
        new Settings.View("routes-" + UUID.randomUUID(), Duration.ofHours(1), 100_000, Duration.ofMillis(20), 100), clock, Metrics.inMemory()));
    view = typed.spawn(ViewActor.create(keeper, Duration.ofMillis(20), clock));
    readiness = new LinkedHashMap<>(Map.of("broker", true, "redis", true, "database", true));
    metrics = Metrics.prometheus();
    route = testRoute(routes().routes());
  }

  private Routes routes() {
    return new Routes(view, typed.system().scheduler(), () -> new LinkedHashMap<>(readiness), () -> deadLetters,
        () -> members, metrics::scrape);
  }

  @AfterEach
  void stop() {
    metrics.close();
    typed.shutdownTestKit();
    systemResource().after();
  }

  /** Counted by the keeper, then seen in the node's read copy. */
  private void record(CasinoEvent... events) throws Exception {
    Entries.Builder entries = Entries.builder(events.length);
    for (CasinoEvent e : events) {
      entries.add(e, e.money() == null ? null : e.money().minorUnits());
    }
    counted += AskPattern.<ViewKeeper.Command, ViewKeeper.Counted>ask(keeper, r -> new ViewKeeper.Count(entries.build(), r),
        Duration.ofSeconds(3), typed.system().scheduler()).toCompletableFuture().get().newlyCounted();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (AskPattern.<ViewActor.Command, Figures>ask(view, ViewActor.Current::new, Duration.ofSeconds(3),
        typed.system().scheduler()).toCompletableFuture().get().eventsTotal() != counted && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static JsonNode json(TestRouteResult result) throws Exception {
    result.assertMediaType("application/json");
    return JSON.readTree(result.entityString());
  }

  @Test
  void emptyViewHasTheExactShape() throws Exception {
    JsonNode body = json(route.run(HttpRequest.GET("/materialized")).assertStatusCode(StatusCodes.OK));

    assertEquals(JSON.readTree("{\"events_total\":0,\"events_per_minute\":0.0,\"events_per_second_moving_average\":0.0,"
        + "\"top_player_bets\":null,\"top_player_wins\":null,\"top_player_deposits\":null}"), body);
  }

  @Test
  void figuresOfRecordedEvents() throws Exception {
    record(
        new CasinoEvent(1, 10, 100, EventType.BET, new Money(300, Currency.EUR), true, NOW.minusSeconds(5)),
        new CasinoEvent(2, 10, 100, EventType.BET, new Money(300, Currency.EUR), false, NOW.minusSeconds(30)),
        new CasinoEvent(3, 12, 0, EventType.DEPOSIT, new Money(1_500, Currency.EUR), false, NOW.minusSeconds(90)),
        new CasinoEvent(3, 12, 0, EventType.DEPOSIT, new Money(1_500, Currency.EUR), false, NOW.minusSeconds(90)));

    JsonNode body = json(route.run(HttpRequest.GET("/materialized")).assertStatusCode(StatusCodes.OK));
    assertEquals(3, body.get("events_total").asLong());
    assertEquals(3 / 1.5, body.get("events_per_minute").asDouble(), 1e-9);
    assertEquals(2 / 60.0, body.get("events_per_second_moving_average").asDouble(), 1e-9);
    assertEquals(JSON.readTree("{\"id\":10,\"count\":2}"), body.get("top_player_bets"));
    assertEquals(JSON.readTree("{\"id\":10,\"count\":1}"), body.get("top_player_wins"));
    assertEquals(JSON.readTree("{\"id\":12,\"count\":1500}"), body.get("top_player_deposits"));

    JsonNode tenSeconds = json(route.run(HttpRequest.GET("/materialized?window_size=10")).assertStatusCode(StatusCodes.OK));
    assertEquals(0.1, tenSeconds.get("events_per_second_moving_average").asDouble(), 1e-9);
    JsonNode oldPath = json(route.run(HttpRequest.GET("/materialize?window_size=3600")).assertStatusCode(StatusCodes.OK));
    assertEquals(3 / 3600.0, oldPath.get("events_per_second_moving_average").asDouble(), 1e-9);
  }

  @Test
  void windowsOfRecordedEventsOldestFirstWithEmptyOnes() throws Exception {
    record(
        new CasinoEvent(1, 10, 100, EventType.BET, new Money(300, Currency.EUR), true, NOW.minusSeconds(5)),
        new CasinoEvent(2, 10, 100, EventType.BET, new Money(300, Currency.EUR), false, NOW.minusSeconds(30)),
        new CasinoEvent(3, 12, 0, EventType.DEPOSIT, new Money(1_500, Currency.EUR), false, NOW.minusSeconds(90)));

    JsonNode minutes = json(route.run(HttpRequest.GET("/materialized/windows")).assertStatusCode(StatusCodes.OK));
    assertEquals(60, minutes.size(), "the default: every 1m window of the hour");
    assertEquals("2026-06-01T11:01:00Z", minutes.get(0).get("start").asText());
    assertEquals(JSON.readTree("{\"start\":\"2026-06-01T11:58:00Z\",\"events\":1,\"bets\":0,\"wins\":0,\"deposits_eur\":1500}"),
        minutes.get(57));
    assertEquals(JSON.readTree("{\"start\":\"2026-06-01T11:59:00Z\",\"events\":2,\"bets\":2,\"wins\":1,\"deposits_eur\":0}"),
        minutes.get(58));
    assertEquals(JSON.readTree("{\"start\":\"2026-06-01T12:00:00Z\",\"events\":0,\"bets\":0,\"wins\":0,\"deposits_eur\":0}"),
        minutes.get(59), "the current window, empty");

    JsonNode lastSeconds = json(route.run(HttpRequest.GET("/materialized/windows?size=1s&last=6")).assertStatusCode(StatusCodes.OK));
    assertEquals(List.of(1L, 0L, 0L, 0L, 0L, 0L), lastSeconds.findValues("events").stream().map(JsonNode::asLong).toList());
    assertEquals("2026-06-01T11:59:55Z", lastSeconds.get(0).get("start").asText());
    assertEquals(12, json(route.run(HttpRequest.GET("/materialized/windows?size=5m")).assertStatusCode(StatusCodes.OK)).size());
    assertEquals(3600, json(route.run(HttpRequest.GET("/materialized/windows?size=1s&last=3600"))
        .assertStatusCode(StatusCodes.OK)).size());
  }

  @Test
  void badWindowsParametersAre400sThatSayWhatIsAllowed() throws Exception {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("size=2m", "size must be one of 1s, 10s, 1m, 5m; got \"2m\"");
    bad.put("size=", "size must be one of 1s, 10s, 1m, 5m; got \"\"");
    bad.put("size=60", "size must be one of 1s, 10s, 1m, 5m; got \"60\"");
    bad.put("last=0", "last must be an integer from 1 to 60 (the 1m windows of an hour); got \"0\"");
    bad.put("last=61", "last must be an integer from 1 to 60 (the 1m windows of an hour); got \"61\"");
    bad.put("size=10s&last=361", "last must be an integer from 1 to 360 (the 10s windows of an hour); got \"361\"");
    bad.put("size=5m&last=abc", "last must be an integer from 1 to 12 (the 5m windows of an hour); got \"abc\"");
    bad.put("size=1m&size=1s", "size may be given once; got 2 values");
    bad.put("last=5&last=5", "last may be given once; got 2 values");
    for (Map.Entry<String, String> query : bad.entrySet()) {
      JsonNode body = json(route.run(HttpRequest.GET("/materialized/windows?" + query.getKey()))
          .assertStatusCode(StatusCodes.BAD_REQUEST));
      assertEquals(query.getValue(), body.get("error").asText(), query.getKey());
    }
  }

  @Test
  void deadLettersAndMembersComeFromWhatTheNodeKnows() throws Exception {
    assertEquals(JSON.readTree("{\"dead_letters\":null}"),
        json(route.run(HttpRequest.GET("/dead-letters")).assertStatusCode(StatusCodes.OK)), "not read yet");
    deadLetters = OptionalLong.of(7);
    members = List.of(new Membership.Node("pekko://casino@127.0.0.1:25520", "Up", List.of("dc-default"), true, true, true),
        new Membership.Node("pekko://casino@127.0.0.1:25521", "Leaving", List.of("dc-default"), false, false, false));

    assertEquals(JSON.readTree("{\"dead_letters\":7}"),
        json(route.run(HttpRequest.GET("/dead-letters")).assertStatusCode(StatusCodes.OK)));
    assertEquals(JSON.readTree("{\"members\":["
            + "{\"address\":\"pekko://casino@127.0.0.1:25520\",\"status\":\"Up\",\"roles\":[\"dc-default\"],"
            + "\"reachable\":true,\"leader\":true,\"self\":true},"
            + "{\"address\":\"pekko://casino@127.0.0.1:25521\",\"status\":\"Leaving\",\"roles\":[\"dc-default\"],"
            + "\"reachable\":false,\"leader\":false,\"self\":false}]}"),
        json(route.run(HttpRequest.GET("/cluster")).assertStatusCode(StatusCodes.OK)));
  }

  @Test
  void theDashboardIsServedFromTheProcessorsOwnResources() throws Exception {
    TestRouteResult page = route.run(HttpRequest.GET("/")).assertStatusCode(StatusCodes.OK);
    page.assertMediaType("text/html");
    assertTrue(page.entityString().contains("<script src=\"dashboard/dashboard.js\">"), page.entityString());
    assertTrue(!page.entityString().contains("http://") && !page.entityString().contains("https://"), "nothing from elsewhere");
    route.run(HttpRequest.GET("/dashboard/dashboard.js")).assertStatusCode(StatusCodes.OK).assertMediaType("application/javascript");
    route.run(HttpRequest.GET("/dashboard/dashboard.css")).assertStatusCode(StatusCodes.OK).assertMediaType("text/css");
    json(route.run(HttpRequest.GET("/dashboard/secrets.txt")).assertStatusCode(StatusCodes.NOT_FOUND));
    json(route.run(HttpRequest.GET("/dashboard/../application.conf")).assertStatusCode(StatusCodes.NOT_FOUND));
  }

  @Test
  void aBadWindowIsA400ThatSaysWhatIsAllowed() throws Exception {
    for (String bad : new String[] {"0", "3601", "-5", "abc", "1.5", "", "99999999999"}) {
      JsonNode body = json(route.run(HttpRequest.GET("/materialized?window_size=" + bad)).assertStatusCode(StatusCodes.BAD_REQUEST));
      assertTrue(body.get("error").asText().contains("window_size must be an integer from 1 to 3600"), body.toString());
    }
  }

  @Test
  void aRepeatedWindowIsA400() throws Exception {
    JsonNode body = json(route.run(HttpRequest.GET("/materialized?window_size=60&window_size=5"))
        .assertStatusCode(StatusCodes.BAD_REQUEST));
    assertEquals("window_size may be given once; got 2 values", body.get("error").asText());
  }

  @Test
  void headIsAnsweredWhereverGetIs() throws Exception {
    for (String path : List.of("/materialized", "/materialize?window_size=10", "/materialized/windows?size=10s&last=3",
        "/dead-letters", "/cluster", "/", "/dashboard/dashboard.js", "/health", "/ready", "/metrics")) {
      TestRouteResult get = route.run(HttpRequest.GET(path)).assertStatusCode(StatusCodes.OK);
      TestRouteResult head = route.run(HttpRequest.HEAD(path)).assertStatusCode(StatusCodes.OK);
      assertEquals(get.response().getHeaders(), head.response().getHeaders(), path);
      assertEquals(get.response().entity().getContentType(), head.response().entity().getContentType(), path);
    }
    json(route.run(HttpRequest.HEAD("/materialized?window_size=0")).assertStatusCode(StatusCodes.BAD_REQUEST));
    json(route.run(HttpRequest.HEAD("/nope")).assertStatusCode(StatusCodes.NOT_FOUND));
  }

  @Test
  void metricsAreThePrometheusTextOfTheNodesMeters() throws Exception {
    metrics.processed(EventType.BET);
    metrics.readiness(() -> new LinkedHashMap<>(readiness));
    readiness.put("redis", false);

    TestRouteResult result = route.run(HttpRequest.GET("/metrics")).assertStatusCode(StatusCodes.OK);

    assertEquals("text/plain; version=0.0.4; charset=UTF-8", result.response().entity().getContentType().toString());
    // Each answer reads the meters anew (what the meters hold is MetricsTest's).
    Scrape scrape = Scrape.of(result.entityString());
    scrape.assertValue(1, "casino_events_processed_total{type=\"bet\"}");
    scrape.assertValue(0, "casino_check_passing{check=\"redis\"}");
    assertTrue(scrape.has("jvm_memory_used_bytes"), scrape.text());
    metrics.processed(EventType.BET);
    Scrape.of(route.run(HttpRequest.GET("/metrics")).entityString()).assertValue(2, "casino_events_processed_total{type=\"bet\"}");
    json(route.run(HttpRequest.create("/metrics").withMethod(HttpMethods.POST)).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED));
  }

  @Test
  void anExceptionInARouteIsAJson500() throws Exception {
    Route failing = new Routes(view, typed.system().scheduler(), () -> {
      throw new IllegalStateException("a check blew up");
    }, () -> deadLetters, () -> members, metrics::scrape).routes();

    JsonNode body = json(testRoute(failing).run(HttpRequest.GET("/ready")).assertStatusCode(StatusCodes.INTERNAL_SERVER_ERROR));
    assertTrue(body.get("error").asText().startsWith("internal error"), body.toString());
  }

  @Test
  void plainTextRejectionsOfPekkoBecomeJson() throws Exception {
    HttpResponse text = HttpResponse.create().withStatus(StatusCodes.UNSUPPORTED_MEDIA_TYPE)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "The request's Content-Type is not supported.");

    HttpResponse json = Routes.asJsonError(text);

    assertEquals(StatusCodes.UNSUPPORTED_MEDIA_TYPE, json.status());
    assertEquals(ContentTypes.APPLICATION_JSON, json.entity().getContentType());
    assertEquals("{\"error\":\"The request's Content-Type is not supported.\"}",
        ((HttpEntity.Strict) json.entity()).getData().utf8String());
  }

  /**
   * What the testkit cannot show: the server's own answers (414, a malformed query string or
   * request line, refused before the routes) and HEAD without a body.
   */
  @Test
  void overTheWire() throws Exception {
    // The server settings of a processor (the test kits' systems read another configuration).
    ServerSettings settings = ServerSettings.create(ConfigFactory.load("processor"));
    ServerBinding binding = Http.get(typed.system()).newServerAt("127.0.0.1", 0).withSettings(settings)
        .bind(routes().routes()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      int port = binding.localAddress().getPort();
      RawResponse get = RawResponse.exchange(port, "GET /materialized HTTP/1.1");
      RawResponse head = RawResponse.exchange(port, "HEAD /materialized HTTP/1.1");
      assertEquals(200, get.status(), get.toString());
      assertEquals(200, head.status(), head.toString());
      assertEquals("", head.body(), "HEAD answered with a body");
      assertEquals(get.headers().get("content-type"), head.headers().get("content-type"));
      assertEquals(Integer.toString(get.body().length()), head.headers().get("content-length"));

      RawResponse tooLong = RawResponse.exchange(port, "GET /materialized?window_size=" + "1".repeat(3000) + " HTTP/1.1");
      assertEquals(414, tooLong.status(), tooLong.toString());
      assertTrue(tooLong.jsonError().contains("URI"), tooLong.toString());

      RawResponse badRequestLine = RawResponse.exchange(port, "GET /materialized?window_size={60} HTTP/1.1");
      assertEquals(400, badRequestLine.status(), badRequestLine.toString());
      badRequestLine.jsonError();

      for (String query : new String[] {"%zz", "window_size=%zz", "window_size=6%"}) {
        RawResponse malformedQuery = RawResponse.exchange(port, "GET /materialized?" + query + " HTTP/1.1");
        assertEquals(400, malformedQuery.status(), malformedQuery.toString());
        assertTrue(malformedQuery.jsonError().contains("Illegal request-target"), malformedQuery.toString());
      }

      RawResponse wrongMethod = RawResponse.exchange(port, "DELETE /ready HTTP/1.1");
      assertEquals(405, wrongMethod.status(), wrongMethod.toString());
      assertTrue(wrongMethod.jsonError().contains("GET, HEAD"), wrongMethod.toString());
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** One request over a fresh connection, written and read byte for byte. */
  private record RawResponse(int status, Map<String, String> headers, String body) {
    static RawResponse exchange(int port, String requestLine) throws Exception {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int end = response.indexOf("\r\n\r\n");
        assertTrue(end > 0, "no complete response: " + response);
        String[] head = response.substring(0, end).split("\r\n");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < head.length; i++) {
          int colon = head[i].indexOf(':');
          headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
        }
        return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), headers, response.substring(end + 4));
      }
    }

    /** The message of a JSON {@code {"error": ...}} body; fails if the body is anything else. */
    String jsonError() throws Exception {
      assertEquals("application/json", headers.get("content-type"), toString());
      JsonNode error = JSON.readTree(body).get("error");
      assertTrue(error != null && error.isTextual(), toString());
      return error.asText();
    }
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    JsonNode notFound = json(route.run(HttpRequest.GET("/nope")).assertStatusCode(StatusCodes.NOT_FOUND));
    assertTrue(notFound.get("error").asText().contains("/nope"), notFound.toString());

    JsonNode wrongMethod = json(route.run(HttpRequest.create("/materialized").withMethod(HttpMethods.POST))
        .assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED));
    assertTrue(wrongMethod.get("error").asText().contains("GET"), wrongMethod.toString());
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals("alive", json(route.run(HttpRequest.GET("/health")).assertStatusCode(StatusCodes.OK)).get("status").asText());
    assertEquals("ready", json(route.run(HttpRequest.GET("/ready")).assertStatusCode(StatusCodes.OK)).get("status").asText());

    readiness.put("database", false);
    JsonNode notReady = json(route.run(HttpRequest.GET("/ready")).assertStatusCode(StatusCodes.SERVICE_UNAVAILABLE));
    assertEquals("not ready", notReady.get("status").asText());
    assertEquals(false, notReady.get("database").asBoolean());
    assertEquals(true, notReady.get("broker").asBoolean());
  }
}
