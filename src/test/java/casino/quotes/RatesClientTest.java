package casino.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.domain.Currency;
import casino.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rates client against the local stand-in of the API: answers that never complete end in time. */
class RatesClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private SimulatedRatesApi api;
  private RatesClient client;
  private Metrics metrics;

  @BeforeEach
  void start() throws Exception {
    api = SimulatedRatesApi.start(0);
    api.fixed();
    Settings.Rates rates = Settings.load().rates().withBaseUrl(api.baseUrl(), "test-key");
    client = new RatesClient(new Settings.Rates(rates.baseUrl(), rates.apiKey(), TIMEOUT, rates.ttl(),
        rates.refreshAhead(), rates.lockTtl()), Clock.systemUTC(), metrics = Metrics.inMemory());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aBodyThatStallsAfterTheHeadersTimesOutAndTheNextFetchWorks() throws Exception {
    client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS);   // the client and the stand-in warmed up
    api.mode(SimulatedRatesApi.Mode.STALLED_BODY);

    long started = System.nanoTime();
    ExecutionException stalled = assertThrows(ExecutionException.class,
        () -> client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    RatesUnavailableException failure = assertInstanceOf(RatesUnavailableException.class, stalled.getCause());
    assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
    assertTrue(tookMs >= TIMEOUT.toMillis() - 50 && tookMs < 4_000, "failed after " + tookMs + " ms");

    api.mode(SimulatedRatesApi.Mode.OK);
    Quotes quotes = client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(SimulatedRatesApi.baseQuote("EURUSD"), quotes.perEur(Currency.USD));
  }

  @Test
  void everyCallIsCountedAndEveryOneWithoutQuotesAsAFailure() throws Exception {
    client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS);
    for (SimulatedRatesApi.Mode failing : new SimulatedRatesApi.Mode[] {
        SimulatedRatesApi.Mode.DOWN, SimulatedRatesApi.Mode.GARBAGE, SimulatedRatesApi.Mode.ZERO_QUOTE}) {
      api.mode(failing);
      assertThrows(ExecutionException.class, () -> client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
    api.mode(SimulatedRatesApi.Mode.OK);
    client.fetch().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals(5, metrics.registry().get("casino.rates.api.calls").counter().count());
    assertEquals(3, metrics.registry().get("casino.rates.api.failures").counter().count());
    assertEquals(5, api.calls());
  }

  @Test
  void headersThatNeverComeTimeOutToo() throws Exception {
    api.mode(SimulatedRatesApi.Mode.SLOW);
    api.slowness(Duration.ofSeconds(5));

    ExecutionException slow = assertThrows(ExecutionException.class,
        () -> client.fetch().toCompletableFuture().get(4, TimeUnit.SECONDS));

    assertTrue(slow.getCause().getMessage().contains("timed out"), slow.getCause().getMessage());
  }
}
