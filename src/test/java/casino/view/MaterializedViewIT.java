package casino.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.enrich.AmountConverter;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Known events through a running processor; the expected figures read back over HTTP. */
class MaterializedViewIT {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static double movingAverage(ProcessorProcess processor, int window) throws Exception {
    return JSON.readTree(processor.get("/materialized?window_size=" + window).body())
        .get("events_per_second_moving_average").asDouble();
  }

  @Test
  void figuresOfAKnownSetOfEvents() throws Exception {
    try (TestBroker broker = new TestBroker("view"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      api.fixed();
      try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(broker, api))) {
        assertEquals("null", processor.materialized().get("top_player_bets").toString(), "no data yet");
        Instant now = Instant.now();
        long id = System.nanoTime();
        List<CasinoEvent> events = new ArrayList<>();
        // Player 11: 3 bets, 1 won. Player 12: 3 bets, 2 won (ties with 11 on bets; 11 is lower).
        for (int i = 0; i < 3; i++) {
          events.add(new CasinoEvent(++id, 11, 100, EventType.BET, new Money(100, Currency.EUR), i == 0, now));
          events.add(new CasinoEvent(++id, 12, 101, EventType.BET, new Money(100, Currency.USD), i > 0, now));
        }
        // Deposits: player 13 10.00 EUR + 5.00 USD; player 14 15.00 GBP.
        events.add(new CasinoEvent(++id, 13, 0, EventType.DEPOSIT, new Money(1_000, Currency.EUR), false, now.minusSeconds(30)));
        events.add(new CasinoEvent(++id, 13, 0, EventType.DEPOSIT, new Money(500, Currency.USD), false, now.minusSeconds(30)));
        events.add(new CasinoEvent(++id, 14, 0, EventType.DEPOSIT, new Money(1_500, Currency.GBP), false, now.minusSeconds(30)));
        // Two events of ten minutes ago: in the totals and the hour, not in the last minute.
        events.add(new CasinoEvent(++id, 15, 102, EventType.GAME_START, null, false, now.minus(Duration.ofMinutes(10))));
        events.add(new CasinoEvent(++id, 15, 102, EventType.GAME_STOP, null, false, now.minus(Duration.ofMinutes(10))));
        for (CasinoEvent e : events) {
          broker.publish(e);
        }
        broker.publish(events.get(0)); // again: counted once, not written again
        processor.awaitOutput(events.size(), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (processor.materialized().get("events_total").asLong() < events.size() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }

        JsonNode view = processor.materialized();
        double minutes = Duration.between(now.minus(Duration.ofMinutes(10)), Instant.now()).toMillis() / 60_000.0;
        assertEquals(events.size(), view.get("events_total").asLong());
        assertEquals(events.size() / minutes, view.get("events_per_minute").asDouble(), 0.05);
        assertEquals(9 / 60.0, view.get("events_per_second_moving_average").asDouble(), 1e-9);
        assertEquals(6 / 10.0, movingAverage(processor, 10), 1e-9);
        assertEquals(11 / 3600.0, movingAverage(processor, 3600), 1e-9);
        assertEquals("{\"id\":11,\"count\":3}", view.get("top_player_bets").toString());
        assertEquals("{\"id\":12,\"count\":2}", view.get("top_player_wins").toString());
        long player13 = 1_000 + AmountConverter.toEurCents(new Money(500, Currency.USD), SimulatedRatesApi.baseQuote("EURUSD"));
        long player14 = AmountConverter.toEurCents(new Money(1_500, Currency.GBP), SimulatedRatesApi.baseQuote("EURGBP"));
        JsonNode top = view.get("top_player_deposits");
        assertEquals(player13 >= player14 ? 13 : 14, top.get("id").asLong());
        assertEquals(Math.max(player13, player14), top.get("count").asLong());
        assertEquals(400, processor.get("/materialized?window_size=0").statusCode());
      }
    }
  }

  /** A window as {@code /materialized/windows} answers it. */
  private record Window(String start, long events, long bets, long wins, long depositsEur) {
    static Window of(JsonNode json) {
      return new Window(json.get("start").asText(), json.get("events").asLong(), json.get("bets").asLong(),
          json.get("wins").asLong(), json.get("deposits_eur").asLong());
    }

    /** The window of {@code sizeSeconds} from {@code startSecond}, summed from the distinct events published. */
    static Window expected(long startSecond, int sizeSeconds, Iterable<CasinoEvent> events) {
      long n = 0;
      long bets = 0;
      long wins = 0;
      long deposits = 0;
      for (CasinoEvent e : events) {
        long second = e.createdAt().getEpochSecond();
        if (second >= startSecond && second < startSecond + sizeSeconds) {
          n++;
          bets += e.type() == EventType.BET ? 1 : 0;
          wins += e.type() == EventType.BET && e.hasWon() ? 1 : 0;
          deposits += e.type() == EventType.DEPOSIT ? e.money().minorUnits() : 0;
        }
      }
      return new Window(Instant.ofEpochSecond(startSecond).toString(), n, bets, wins, deposits);
    }
  }

  /**
   * Asks for {@code query} and checks every window against the events: {@code count} windows of
   * {@code sizeSeconds}, aligned, consecutive, the last one holding the time of the request.
   */
  private static void assertWindows(ProcessorProcess processor, String query, int sizeSeconds, int count,
      Iterable<CasinoEvent> distinct) throws Exception {
    long before = Instant.now().getEpochSecond();
    JsonNode windows = JSON.readTree(processor.get("/materialized/windows" + query).body());
    long after = Instant.now().getEpochSecond();
    assertEquals(count, windows.size(), query);
    long last = Instant.parse(windows.get(count - 1).get("start").asText()).getEpochSecond();
    assertTrue(last == Math.floorDiv(before, sizeSeconds) * sizeSeconds || last == Math.floorDiv(after, sizeSeconds) * sizeSeconds,
        query + ": the last window, " + Instant.ofEpochSecond(last) + ", is not the current one");
    for (int i = 0; i < count; i++) {
      long start = last - (long) (count - 1 - i) * sizeSeconds;
      assertEquals(Window.expected(start, sizeSeconds, distinct), Window.of(windows.get(i)), query + ", window " + i);
    }
  }

  @Test
  void windowsOfEventsSpreadOverAFewMinutesEqualTheEventsPublished() throws Exception {
    try (TestBroker broker = new TestBroker("windows"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      api.fixed();
      try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(broker, api))) {
        Instant now = Instant.now();
        SplittableRandom random = new SplittableRandom(7);
        long id = System.nanoTime();
        Map<Long, CasinoEvent> distinct = new LinkedHashMap<>();
        // Over the last six minutes, in EUR so that deposits are exact: every type, some bets won.
        for (int i = 0; i < 400; i++) {
          EventType type = EventType.values()[random.nextInt(4)];
          Instant createdAt = now.minusMillis(random.nextLong(6 * 60_000));
          CasinoEvent event = new CasinoEvent(++id, 10 + random.nextInt(10), type == EventType.DEPOSIT ? 0 : 100, type,
              type.carriesMoney() ? new Money(random.nextLong(2_000), Currency.EUR) : null,
              type == EventType.BET && random.nextInt(4) == 0, createdAt);
          distinct.put(event.id(), event);
        }
        // Two hours old: in the totals, in no window of the last hour.
        CasinoEvent old = new CasinoEvent(++id, 10, 0, EventType.DEPOSIT, new Money(5_000, Currency.EUR), false,
            now.minus(Duration.ofHours(2)));
        distinct.put(old.id(), old);
        for (CasinoEvent e : distinct.values()) {
          broker.publish(e);
        }
        List<CasinoEvent> again = new ArrayList<>(distinct.values()).subList(0, 20);
        broker.publish(again);  // counted once
        processor.awaitOutput(distinct.size(), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (processor.materialized().get("events_total").asLong() < distinct.size() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertEquals(distinct.size(), processor.materialized().get("events_total").asLong());

        assertWindows(processor, "", 60, 60, distinct.values());
        assertWindows(processor, "?size=1m&last=30", 60, 30, distinct.values());
        assertWindows(processor, "?size=1s", 1, 3600, distinct.values());
        assertWindows(processor, "?size=10s&last=50", 10, 50, distinct.values());
        assertWindows(processor, "?size=5m", 300, 12, distinct.values());
        JsonNode hour = JSON.readTree(processor.get("/materialized/windows?size=5m").body());
        long inWindows = 0;
        for (JsonNode w : hour) {
          inWindows += w.get("events").asLong();
        }
        assertEquals(distinct.size() - 1, inWindows, "every event of the last hour, the old one in none");
        assertEquals(400, processor.get("/materialized/windows?size=2m").statusCode());
        assertEquals(400, processor.get("/materialized/windows?last=0").statusCode());
      }
    }
  }
}
