package casino.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The distribution of SPEC section 3, checked statistically on a fixed seed. */
class EventGeneratorTest {
  private static final int N = 200_000;

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void followsTheSpecifiedDistribution() {
    EventGenerator generator = new EventGenerator(new IdGenerator(3, clock), new SplittableRandom(7), clock);
    Map<EventType, Integer> types = new EnumMap<>(EventType.class);
    Map<Currency, Integer> currencies = new EnumMap<>(Currency.class);
    int bets = 0;
    int wins = 0;
    long btcSum = 0;
    long otherSum = 0;
    int btcCount = 0;
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < N; i++) {
      CasinoEvent e = generator.next();
      assertTrue(ids.add(e.id()), "duplicate id " + e.id());
      types.merge(e.type(), 1, Integer::sum);
      assertTrue(e.playerId() >= 10 && e.playerId() <= 19, "player " + e.playerId());
      if (e.type().playedInGame()) {
        assertTrue(e.gameId() >= 100 && e.gameId() <= 109, "game " + e.gameId());
      } else {
        assertEquals(0, e.gameId());
      }
      if (e.type().carriesMoney()) {
        Currency c = e.money().currency();
        currencies.merge(c, 1, Integer::sum);
        long amount = e.money().minorUnits();
        if (c == Currency.BTC) {
          assertTrue(amount >= 0 && amount <= 99_999, "BTC amount " + amount);
          btcSum += amount;
          btcCount++;
        } else {
          assertTrue(amount >= 0 && amount <= 1_999, c + " amount " + amount);
          otherSum += amount;
        }
      } else {
        assertEquals(null, e.money());
      }
      if (e.type() == EventType.BET) {
        bets++;
        if (e.hasWon()) {
          wins++;
        }
      } else {
        assertTrue(!e.hasWon());
      }
    }
    for (EventType t : EventType.values()) {
      assertNear(N / 4.0, types.get(t), "type " + t);
    }
    int moneyEvents = types.get(EventType.BET) + types.get(EventType.DEPOSIT);
    for (Currency c : Currency.values()) {
      assertNear(moneyEvents / 5.0, currencies.get(c), "currency " + c);
    }
    assertNear(bets * 0.05, wins, "won bets");
    assertNear(49_999.5, (double) btcSum / btcCount, "mean BTC amount", 0.02);
    assertNear(999.5, (double) otherSum / (moneyEvents - btcCount), "mean fiat amount", 0.02);
  }

  @Test
  void idsStayUniqueAndIncreasingWhenTheClockStandsStill() {
    IdGenerator ids = new IdGenerator(5, clock);
    long previous = -1;
    for (int i = 0; i < 10_000; i++) {
      long id = ids.next();
      assertTrue(id > previous, "ids must increase");
      previous = id;
    }
  }

  @Test
  void idsOfALaterRunAreAboveThoseOfAnEarlierOne() {
    long first = new IdGenerator(5, clock).next();
    long later = new IdGenerator(5, Clock.offset(clock, java.time.Duration.ofMillis(1))).next();
    assertTrue(later > first);
  }

  @Test
  void nodesNeverCollide() {
    Set<Long> ids = new HashSet<>();
    for (int node = 0; node < 1024; node++) {
      IdGenerator generator = new IdGenerator(node, clock);
      for (int i = 0; i < 5; i++) {
        assertTrue(ids.add(generator.next()));
      }
    }
  }

  private static void assertNear(double expected, double actual, String what) {
    // 5 standard deviations of a binomial count: fails on a real bias, not on chance.
    double tolerance = 5 * Math.sqrt(expected);
    assertTrue(Math.abs(actual - expected) <= tolerance,
        what + ": expected about " + expected + " (±" + tolerance + "), got " + actual);
  }

  private static void assertNear(double expected, double actual, String what, double relative) {
    assertTrue(Math.abs(actual - expected) <= expected * relative,
        what + ": expected about " + expected + ", got " + actual);
  }
}
