package casino.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.Currency;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The QuoteCache's protocol crosses nodes (it is a cluster singleton): it must survive serialization. */
class QuoteCacheSerializationTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0\npekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.load("processor")));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void askAndAnswersSerializeWithTheConfiguredBinding() {
    SerializationTestKit serialization = testKit.serializationTestKit();
    TestProbe<QuoteCache.Reply> probe = testKit.createTestProbe();
    Quotes quotes = new Quotes(Map.of(Currency.USD, new BigDecimal("1.0684"), Currency.BTC, new BigDecimal("0.00001617")),
        Instant.parse("2026-01-01T10:00:00.123Z"));

    QuoteCache.GetQuotes ask = new QuoteCache.GetQuotes(probe.getRef(), Instant.parse("2026-01-01T10:00:05Z"));
    assertEquals(ask, serialization.verifySerialization(ask, true));
    QuoteCache.Fresh fresh = new QuoteCache.Fresh(quotes);
    QuoteCache.Fresh back = (QuoteCache.Fresh) serialization.verifySerialization(fresh, true);
    assertEquals(new BigDecimal("0.00001617"), back.quotes().perEur(Currency.BTC));
    assertEquals(quotes.fetchedAt(), back.quotes().fetchedAt());
    QuoteCache.Unavailable unavailable = new QuoteCache.Unavailable("rates API answered HTTP 503");
    assertEquals(unavailable, serialization.verifySerialization(unavailable, true));
  }
}
