package casino.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.testing.InMemoryPersistence;
import casino.view.Entries;
import casino.view.Figures;
import casino.view.ViewActor;
import casino.view.ViewKeeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
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
  private TestRoute route;

  @BeforeEach
  void start() {
    systemResource().before();
    typed = ActorTestKit.create(InMemoryPersistence.config());
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    keeper = typed.spawn(ViewKeeper.create("routes-" + UUID.randomUUID(), Duration.ofHours(1), 100_000, clock));
    view = typed.spawn(ViewActor.create(keeper, Duration.ofMillis(20), clock));
    readiness = new LinkedHashMap<>(Map.of("broker", true, "redis", true, "database", true));
    route = testRoute(new Routes(view, typed.system().scheduler(),
        () -> CompletableFuture.completedFuture(Map.copyOf(readiness))).routes());
  }

  @AfterEach
  void stop() {
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
  void aBadWindowIsA400ThatSaysWhatIsAllowed() throws Exception {
    for (String bad : new String[] {"0", "3601", "-5", "abc", "1.5", "", "99999999999"}) {
      JsonNode body = json(route.run(HttpRequest.GET("/materialized?window_size=" + bad)).assertStatusCode(StatusCodes.BAD_REQUEST));
      assertTrue(body.get("error").asText().contains("window_size must be an integer from 1 to 3600"), body.toString());
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
