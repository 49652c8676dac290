package casino.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The distribution of SPEC section 3, checked statistically on a fixed seed, and the ids: unique, JSON-safe, never ahead of the clock. */
class EventGeneratorTest {
  private static final int N = 200_000;

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void followsTheSpecifiedDistribution() {
    // 64 ids a millisecond: the ids' clock must move for 200,000 of them.
    EventGenerator generator = new EventGenerator(new IdGenerator(3, new SlowClock(clock.instant(), 10)), new SplittableRandom(7), clock);
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
  void idsStayUniqueAndIncreasingWhenTheClockIsSlow() {
    assertIncreasing(new IdGenerator(5, new SlowClock(clock.instant(), 1_000)), -1, 10_000);
  }

  /** {@code n} ids, each above the one before, the first above {@code after}. */
  private static void assertIncreasing(IdGenerator ids, long after, int n) {
    long previous = after;
    for (int i = 0; i < n; i++) {
      long id = ids.next();
      assertTrue(id > previous, "ids must increase: " + id + " after " + previous);
      previous = id;
    }
  }

  @Test
  void idsAreNeverAheadOfTheClock() {
    // 1,000 readings a millisecond: far more ids are asked for than a millisecond holds.
    SlowClock slow = new SlowClock(clock.instant(), 1_000);
    IdGenerator ids = new IdGenerator(5, slow);
    for (int i = 0; i < 10_000; i++) {
      long id = ids.next();
      long idMillis = (id >> (IdGenerator.NODE_BITS + IdGenerator.SEQUENCE_BITS)) + IdGenerator.EPOCH_MS;
      assertTrue(idMillis <= slow.millisReadLast(), "id of " + idMillis + " handed out at " + slow.millisReadLast());
    }
  }

  @Test
  void aRestartRightAfterAFastRunReusesNoId() {
    SlowClock slow = new SlowClock(clock.instant(), 1_000);
    IdGenerator first = new IdGenerator(5, slow);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      ids.add(first.next());
    }
    // The next run starts the moment the clock shows a new millisecond.
    long stoppedAt = slow.millis();
    while (slow.millis() == stoppedAt) {
      Thread.onSpinWait();
    }
    IdGenerator restarted = new IdGenerator(5, slow);
    for (int i = 0; i < 5_000; i++) {
      assertTrue(ids.add(restarted.next()), "id reused after a restart");
    }
  }

  @Test
  void aClockThatGoesBackIsWaitedFor() {
    SlowClock slow = new SlowClock(clock.instant(), 10);
    IdGenerator ids = new IdGenerator(5, slow);
    long before = ids.next();
    slow.set(clock.instant().minusMillis(10));
    assertIncreasing(ids, before, 500);
  }

  @Test
  void idsStayWithinTheIntegersAJsonReaderHoldsExactly() {
    assertEquals((1L << 53) - 1, IdGenerator.MAX_ID);
    Instant last = Instant.ofEpochMilli(IdGenerator.EPOCH_MS + IdGenerator.MAX_MILLIS);
    assertEquals(Instant.parse("2093-09-06T15:47:35.551Z"), last);
    IdGenerator atTheEnd = new IdGenerator(IdGenerator.NODE_IDS - 1, new SlowClock(last, 1_000));
    long id = 0;
    for (int i = 0; i < 64; i++) {
      id = atTheEnd.next();
      assertTrue(id <= IdGenerator.MAX_ID && (long) (double) id == id, "id " + id);
    }
    assertEquals(IdGenerator.MAX_ID, id);
    assertThrows(IllegalStateException.class, atTheEnd::next);
    long now = new IdGenerator(0, Clock.systemUTC()).next();
    assertTrue(now > 0 && now <= IdGenerator.MAX_ID, "id " + now);
  }

  @Test
  void nodesNeverCollide() {
    Set<Long> ids = new HashSet<>();
    for (int node = 0; node < IdGenerator.NODE_IDS; node++) {
      IdGenerator generator = new IdGenerator(node, new SlowClock(clock.instant(), 1_000));
      for (int i = 0; i < 200; i++) {
        assertTrue(ids.add(generator.next()));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new IdGenerator(IdGenerator.NODE_IDS, clock));
    assertThrows(IllegalArgumentException.class, () -> new IdGenerator(-1, clock));
  }

  /**
   * A clock that moves on by one millisecond every {@code readsPerMillisecond} readings: the
   * generator waits for it without the test waiting on real time.
   */
  private static final class SlowClock extends Clock {
    private final long readsPerMillisecond;
    private long startMillis;
    private long reads;
    private long last;

    SlowClock(Instant start, long readsPerMillisecond) {
      this.startMillis = start.toEpochMilli();
      this.readsPerMillisecond = readsPerMillisecond;
    }

    void set(Instant now) {
      startMillis = now.toEpochMilli();
      reads = 0;
    }

    long millisReadLast() {
      return last;
    }

    @Override
    public long millis() {
      last = startMillis + reads++ / readsPerMillisecond;
      return last;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
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
