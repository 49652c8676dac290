package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.players.PlayerDirectory;
import casino.quotes.Quotes;
import casino.testing.MovingClock;
import casino.testing.TestSchema;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC 4.1: quotes are never used more than their TTL after the fetch, counted when the amount is converted. */
class QuoteFreshnessIT {
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private TestSchema schema;
  private PlayerDirectory players;

  @BeforeEach
  void players() throws Exception {
    schema = TestSchema.migrated("quote_freshness");
    players = new PlayerDirectory(schema.database(), blocking);
  }

  @AfterEach
  void close() throws Exception {
    players.close();
    blocking.shutdownNow();
    schema.close();
  }

  @Test
  void quotesThatExpireBeforeTheConversionAreNotUsed() throws Exception {
    MovingClock clock = new MovingClock(Instant.parse("2026-01-01T00:00:00Z"));
    List<Quotes> handedOut = new ArrayList<>();
    Enricher enricher = new Enricher(deadline -> {
      // The first quotes are 59.5 s old when handed out and 61.5 s when the amount is converted
      // (a slow player query in between); the next are fresh.
      Quotes quotes = handedOut.isEmpty()
          ? new Quotes(Map.of(Currency.USD, new BigDecimal("2")), clock.instant().minusMillis(59_500))
          : new Quotes(Map.of(Currency.USD, new BigDecimal("4")), clock.instant());
      handedOut.add(quotes);
      clock.advance(Duration.ofSeconds(2));
      return CompletableFuture.completedFuture(quotes);
    }, players, Duration.ofSeconds(60), clock);
    CasinoEvent bet = new CasinoEvent(1, 10, 100, EventType.BET, new Money(800, Currency.USD), false, clock.instant());

    List<Enricher.Result> results = enricher.enrich(List.of(bet), clock.instant().plusSeconds(30), "test")
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals(2, handedOut.size(), "the expired quotes were refused and fresh ones asked for");
    assertEquals(200L, results.get(0).enriched().amountEurCents(), "converted at the fresh quote 4, not the expired 2");
  }
}
