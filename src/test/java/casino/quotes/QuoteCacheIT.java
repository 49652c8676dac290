package casino.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.domain.Currency;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The QuoteCache against the real Redis, with the local stand-in as the rates API. */
class QuoteCacheIT {
  private final Clock clock = Clock.systemUTC();
  private final List<ActorTestKit> kits = new ArrayList<>();
  private final List<QuoteStore> stores = new ArrayList<>();
  private final String prefix = "test:" + UUID.randomUUID() + ":";
  private SimulatedRatesApi api;
  private Settings.Rates rates;

  @BeforeEach
  void start() throws Exception {
    api = SimulatedRatesApi.start(0);
    api.fixed();
    rates = Settings.load().rates().withBaseUrl(api.baseUrl(), "test-key");
  }

  @AfterEach
  void stop() {
    kits.forEach(ActorTestKit::shutdownTestKit);
    stores.forEach(QuoteStore::close);
    api.close();
  }

  /** A processor's QuoteCache: its own actor system and Redis connection, sharing Redis and the API. */
  private ActorRef<QuoteCache.Command> processor(Settings.Rates settings) {
    ActorTestKit kit = ActorTestKit.create();
    kits.add(kit);
    QuoteStore store = new QuoteStore(Settings.load().redis(), prefix, clock);
    stores.add(store);
    return kit.spawn(QuoteCache.create(settings, new RatesClient(settings, clock), store, clock));
  }

  private CompletionStage<QuoteCache.Reply> ask(ActorRef<QuoteCache.Command> cache, Duration wait) {
    ActorTestKit kit = kits.get(0);
    return AskPattern.ask(cache, replyTo -> new QuoteCache.GetQuotes(replyTo, clock.instant().plus(wait)),
        wait.plusSeconds(2), kit.system().scheduler());
  }

  @Test
  void manyConcurrentAskersShareOneApiCall() throws Exception {
    ActorRef<QuoteCache.Command> cache = processor(rates);
    List<CompletableFuture<QuoteCache.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      replies.add(ask(cache, Duration.ofSeconds(5)).toCompletableFuture());
    }
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    for (CompletableFuture<QuoteCache.Reply> reply : replies) {
      QuoteCache.Fresh fresh = assertInstanceOf(QuoteCache.Fresh.class, reply.get());
      assertEquals(SimulatedRatesApi.baseQuote("EURUSD"), fresh.quotes().perEur(Currency.USD));
      assertEquals(SimulatedRatesApi.baseQuote("EURBTC"), fresh.quotes().perEur(Currency.BTC));
    }
    assertEquals(1, api.calls());
  }

  @Test
  void twoProcessorsCallTheApiAboutOncePerTtlInAll() throws Exception {
    Settings.Rates shortTtl = rates.withTtl(Duration.ofSeconds(2), Duration.ofMillis(500));
    ActorRef<QuoteCache.Command> first = processor(shortTtl);
    ActorRef<QuoteCache.Command> second = processor(shortTtl);
    Duration run = Duration.ofSeconds(7);
    Instant end = clock.instant().plus(run);
    int answers = 0;
    while (clock.instant().isBefore(end)) {
      for (ActorRef<QuoteCache.Command> cache : List.of(first, second)) {
        QuoteCache.Reply reply = ask(cache, Duration.ofSeconds(3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        QuoteCache.Fresh fresh = assertInstanceOf(QuoteCache.Fresh.class, reply);
        assertTrue(fresh.quotes().age(clock.instant()).compareTo(shortTtl.ttl()) < 0, "quotes older than the TTL were served");
        answers++;
      }
      Thread.sleep(20);
    }

    // Refreshed every ttl - refresh-ahead = 1.5 s: 7 s of steady asking needs 5 fetches, whatever the processors.
    long expected = run.toMillis() / shortTtl.ttl().minus(shortTtl.refreshAhead()).toMillis() + 1;
    System.out.printf("two processors, %d answers in %s: %d API calls (at most %d expected)%n", answers, run, api.calls(), expected);
    assertTrue(answers > 100, "too few asks to mean anything: " + answers);
    assertTrue(api.calls() <= expected, "API called " + api.calls() + " times, at most " + expected + " expected");
    assertTrue(api.calls() >= 3, "quotes were not refreshed: " + api.calls() + " calls");
  }

  @Test
  void apiDownAnswersUnavailableWithTheReasonAtTheDeadlineAndRecovers() throws Exception {
    api.mode(SimulatedRatesApi.Mode.DOWN);
    ActorRef<QuoteCache.Command> cache = processor(rates);

    long started = System.nanoTime();
    QuoteCache.Reply reply = ask(cache, Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    QuoteCache.Unavailable unavailable = assertInstanceOf(QuoteCache.Unavailable.class, reply);
    assertTrue(unavailable.reason().contains("HTTP 503"), unavailable.reason());
    assertTrue(waitedMs >= 900, "answered before the deadline: " + waitedMs + " ms");
    assertTrue(api.calls() >= 2, "retried with backoff meanwhile: " + api.calls());

    // A waiter is answered as soon as the API is back, not at its deadline.
    CompletableFuture<QuoteCache.Reply> waiting = ask(cache, Duration.ofSeconds(20)).toCompletableFuture();
    Thread.sleep(300);
    api.mode(SimulatedRatesApi.Mode.OK);
    assertInstanceOf(QuoteCache.Fresh.class, waiting.get(8, TimeUnit.SECONDS));
  }

  @Test
  void garbageFromTheApiIsAnErrorNotARate() throws Exception {
    for (SimulatedRatesApi.Mode mode : List.of(SimulatedRatesApi.Mode.GARBAGE, SimulatedRatesApi.Mode.ZERO_QUOTE,
        SimulatedRatesApi.Mode.FAILURE_BODY)) {
      api.mode(mode);
      ActorRef<QuoteCache.Command> cache = processor(rates);
      QuoteCache.Reply reply = ask(cache, Duration.ofMillis(500)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      QuoteCache.Unavailable unavailable = assertInstanceOf(QuoteCache.Unavailable.class, reply, mode.name());
      assertFalse(unavailable.reason().contains("test-key"), "access key leaked: " + unavailable.reason());
      switch (mode) {
        case GARBAGE -> assertTrue(unavailable.reason().contains("malformed JSON"), unavailable.reason());
        case ZERO_QUOTE -> assertTrue(unavailable.reason().contains("no positive quote EURUSD"), unavailable.reason());
        default -> assertTrue(unavailable.reason().contains("reported failure"), unavailable.reason());
      }
    }
  }

  @Test
  void aSlowApiTimesOut() throws Exception {
    api.mode(SimulatedRatesApi.Mode.SLOW);
    api.slowness(Duration.ofSeconds(3));
    Settings.Rates impatient = new Settings.Rates(rates.baseUrl(), rates.apiKey(), Duration.ofMillis(300), rates.ttl(),
        rates.refreshAhead(), rates.lockTtl());
    ActorRef<QuoteCache.Command> cache = processor(impatient);

    QuoteCache.Reply reply = ask(cache, Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);

    QuoteCache.Unavailable unavailable = assertInstanceOf(QuoteCache.Unavailable.class, reply);
    assertTrue(unavailable.reason().contains("timed out"), unavailable.reason());
  }

  @Test
  void lockIsReleasedOnlyByItsOwnerAndExpiresOnItsOwn() throws Exception {
    QuoteStore store = new QuoteStore(Settings.load().redis(), prefix, clock);
    stores.add(store);

    assertTrue(store.tryLock("owner", Duration.ofMillis(700)).toCompletableFuture().get());
    assertFalse(store.tryLock("other", Duration.ofSeconds(5)).toCompletableFuture().get(), "lock taken twice");
    assertFalse(store.unlock("other").toCompletableFuture().get(), "released by someone else");
    assertFalse(store.tryLock("other", Duration.ofSeconds(5)).toCompletableFuture().get(), "lock gone after a foreign release");
    assertTrue(store.unlock("owner").toCompletableFuture().get());
    assertTrue(store.tryLock("other", Duration.ofMillis(300)).toCompletableFuture().get());
    Thread.sleep(600);
    assertTrue(store.tryLock("third", Duration.ofSeconds(5)).toCompletableFuture().get(), "lock of a dead owner never expired");
    assertTrue(store.unlock("third").toCompletableFuture().get());
  }

  @Test
  void aRedisCopyNeverOutlivesTheTtlCountedFromTheFetch() throws Exception {
    QuoteStore store = new QuoteStore(Settings.load().redis(), prefix, clock);
    stores.add(store);
    Quotes fetchedEarlier = new Quotes(java.util.Map.of(Currency.USD, java.math.BigDecimal.ONE), clock.instant().minusMillis(1_500));

    assertTrue(store.write(fetchedEarlier, Duration.ofSeconds(2)).toCompletableFuture().get());
    assertTrue(store.read().toCompletableFuture().get().isPresent());
    Thread.sleep(700);

    assertTrue(store.read().toCompletableFuture().get().isEmpty(), "copy kept past fetch time + TTL");
    assertFalse(store.write(fetchedEarlier, Duration.ofSeconds(2)).toCompletableFuture().get(), "expired quotes stored");
  }
}
