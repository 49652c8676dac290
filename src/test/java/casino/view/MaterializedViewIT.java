package casino.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
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
}
