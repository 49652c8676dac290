package casino.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.domain.Currency;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The node-local face of the quote cache singleton: an ask lost with the singleton's node costs seconds. */
class QuoteCacheClientTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anAskThatIsNeverAnsweredFailsAfterOneAttemptNotAtTheDeadline() throws Exception {
    TestProbe<QuoteCache.Command> singleton = testKit.createTestProbe();
    QuoteCacheClient client = new QuoteCacheClient(singleton.getRef(), testKit.scheduler(), Settings.load().rates(),
        Clock.systemUTC());
    Instant asked = Instant.now();
    Instant deadline = asked.plusSeconds(30);

    CompletableFuture<Quotes> lost = client.quotes(deadline).toCompletableFuture();

    // The cache is told to answer by the attempt's end, not the caller's deadline.
    QuoteCache.GetQuotes ask = singleton.expectMessageClass(QuoteCache.GetQuotes.class);
    assertFalse(ask.deadline().isAfter(Instant.now().plus(QuoteCacheClient.ATTEMPT)), "attempt deadline " + ask.deadline());
    assertTrue(ask.deadline().isBefore(deadline));
    // Nobody answers (the singleton's node died with the ask): it fails once the attempt is over.
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> lost.get(QuoteCacheClient.ATTEMPT.plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(failure.getCause() instanceof TimeoutException, failure.getCause().toString());
    assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0);

    // The next ask (the enricher retries until its deadline) reaches the singleton that took over.
    CompletableFuture<Quotes> answered = client.quotes(deadline).toCompletableFuture();
    Quotes quotes = new Quotes(Map.of(Currency.USD, new BigDecimal("1.0684")), Instant.now());
    singleton.expectMessageClass(QuoteCache.GetQuotes.class).replyTo().tell(new QuoteCache.Fresh(quotes));
    assertEquals(quotes, answered.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aDeadlineSoonerThanOneAttemptIsKept() {
    TestProbe<QuoteCache.Command> singleton = testKit.createTestProbe();
    QuoteCacheClient client = new QuoteCacheClient(singleton.getRef(), testKit.scheduler(), Settings.load().rates(),
        Clock.systemUTC());
    Instant deadline = Instant.now().plusMillis(500);

    client.quotes(deadline);

    assertEquals(deadline, singleton.expectMessageClass(QuoteCache.GetQuotes.class).deadline());
  }
}
