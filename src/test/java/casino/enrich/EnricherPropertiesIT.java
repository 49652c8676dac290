package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.WireEvents;
import casino.players.PlayerDirectory;
import casino.quotes.Quotes;
import casino.testing.TestSchema;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Enrichment of any decoded events, at any quotes the API could send, against the real
 * players table: one result per event, each a line or a failure of that event alone.
 */
class EnricherPropertiesIT {
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private static TestSchema schema;
  private static PlayerDirectory players;

  @BeforeContainer
  static void players() throws Exception {
    schema = TestSchema.migrated("enricher_properties");
    schema.execute("insert into players (id, email, last_signed_in_at) values (10, 'john@example.com', null)");
    players = new PlayerDirectory(schema.database(), blocking);
  }

  @AfterContainer
  static void close() throws Exception {
    players.close();
    blocking.shutdownNow();
    schema.close();
  }

  @Property(tries = 300)
  void everyEventGetsItsOwnOutcome(@ForAll("batches") @Size(min = 1, max = 40) List<CasinoEvent> batch,
      @ForAll("quotes") BigDecimal quote) throws Exception {
    List<CasinoEvent> events = batch.stream().collect(Collectors.toMap(CasinoEvent::id, e -> e, (a, b) -> a))
        .values().stream().toList(); // a batch's events have distinct ids (duplicates are counted once anyway)
    Map<Currency, BigDecimal> perEur = new EnumMap<>(Currency.class);
    for (Currency c : Currency.values()) {
      if (c != Currency.EUR) {
        perEur.put(c, quote);
      }
    }
    Quotes quotes = new Quotes(perEur, Instant.now());
    Enricher enricher = new Enricher(deadline -> CompletableFuture.completedFuture(quotes), players,
        Duration.ofSeconds(60), Clock.systemUTC());

    List<Enricher.Result> results = enricher.enrich(events, Instant.now().plusSeconds(5), "property")
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertEquals(events.size(), results.size());
    for (int i = 0; i < events.size(); i++) {
      Enricher.Result result = results.get(i);
      assertTrue((result.enriched() == null) != (result.failure() == null), "exactly one of line and failure: " + result);
      if (result.enriched() != null) {
        assertEquals(events.get(i), result.enriched().event());
        assertTrue(result.enriched().amountEurCents() == null || result.enriched().amountEurCents() >= 0);
        StringBuilder line = EventJson.append(new StringBuilder(), result.enriched());
        assertTrue(line.toString().startsWith("{\"id\":" + events.get(i).id() + ","), line.toString());
      } else {
        assertTrue(result.permanent(), "with quotes and players at hand only a permanent fault remains: " + result);
        assertTrue(result.failure().contains("amount"), "the reason names the field: " + result.failure());
      }
    }
  }

  @Provide
  Arbitrary<List<CasinoEvent>> batches() {
    return WireEvents.decodable().list();
  }

  @Provide
  Arbitrary<BigDecimal> quotes() {
    // Whatever positive number the API may send: from absurdly small to absurdly large.
    return Arbitraries.oneOf(
        Arbitraries.bigDecimals().between(new BigDecimal("0.00001"), new BigDecimal("100000")).ofScale(6),
        Arbitraries.of(new BigDecimal("1E-30"), new BigDecimal("1E-12"), new BigDecimal("1E+30"), BigDecimal.ONE));
  }
}
