package casino.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Window arithmetic, tallies and dedupe with a controlled clock. */
class ViewStateTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final ViewState view = new ViewState(Duration.ofHours(1), 1_000_000);
  private long nextId = 1;

  private CasinoEvent at(Instant createdAt) {
    return new CasinoEvent(nextId++, 10, 100, EventType.GAME_START, null, false, createdAt);
  }

  private CasinoEvent bet(long player, boolean won) {
    return new CasinoEvent(nextId++, player, 100, EventType.BET, new Money(100, Currency.EUR), won, NOW);
  }

  private CasinoEvent deposit(long player) {
    return new CasinoEvent(nextId++, player, 0, EventType.DEPOSIT, new Money(100, Currency.USD), false, NOW);
  }

  @ParameterizedTest(name = "window {0} s: {1} events in it")
  @CsvSource({"1, 1", "2, 3", "10, 6", "60, 10", "3600, 12"})
  void movingAverageCountsEventsOfTheWindow(int window, int inWindow) {
    // one event at now, two 1 s ago, three 9 s ago, four 59 s ago, two 3599 s ago, one an hour ago
    int[][] seconds = {{0, 1}, {1, 2}, {9, 3}, {59, 4}, {3599, 2}, {3600, 1}};
    for (int[] s : seconds) {
      for (int i = 0; i < s[1]; i++) {
        view.record(at(NOW.minusSeconds(s[0]).plusMillis(300)), null, NOW);
      }
    }

    ViewState.Snapshot snapshot = view.snapshot(window, NOW.plusMillis(500));

    assertEquals(13, snapshot.eventsTotal());
    assertEquals((double) inWindow / window, snapshot.eventsPerSecondMovingAverage(), 1e-12);
  }

  @Test
  void movingAverageIsNotCappedAtOnePerSecond() {
    for (int i = 0; i < 500; i++) {
      view.record(at(NOW), null, NOW);
    }
    assertEquals(500.0, view.snapshot(1, NOW).eventsPerSecondMovingAverage());
    assertEquals(50.0, view.snapshot(10, NOW).eventsPerSecondMovingAverage());
  }

  @Test
  void bucketsAreRecycledAfterAnHour() {
    view.record(at(NOW), null, NOW);
    Instant later = NOW.plusSeconds(4096); // the same ring slot as NOW
    view.record(at(later), null, later);

    assertEquals(1.0, view.snapshot(1, later).eventsPerSecondMovingAverage(), "old bucket content must not survive");
    assertEquals(1.0 / 3600, view.snapshot(3600, later).eventsPerSecondMovingAverage(), 1e-12);
    assertEquals(0.0, view.snapshot(3600, NOW.plusSeconds(3600)).eventsPerSecondMovingAverage(), "an hour later the event is out");
  }

  @Test
  void betsWinsAndDepositsOfARecycledBucketStartFromZero() {
    view.record(bet(10, true), 100L, NOW);
    view.record(deposit(10), 500L, NOW);
    Instant later = NOW.plusSeconds(4096); // the same ring slot as NOW
    view.record(at(later), null, later);

    assertArrayEquals(new long[] {1, 0, 0, 0}, second(view.figures(later), later));
  }

  /** Events, bets, wins and deposit cents of the second of {@code time} in {@code figures}. */
  private static long[] second(Figures figures, Instant time) {
    int i = (int) (time.getEpochSecond() - figures.firstSecond());
    return new long[] {figures.eventsPerSecond()[i], figures.betsPerSecond()[i], figures.winsPerSecond()[i],
        figures.depositCentsPerSecond()[i]};
  }

  @Test
  void betsWinsAndDepositsAreKeptPerSecondNextToTheCounts() {
    view.record(new CasinoEvent(nextId++, 10, 100, EventType.BET, new Money(100, Currency.EUR), false, NOW), 100L, NOW);
    view.record(new CasinoEvent(nextId++, 11, 100, EventType.BET, new Money(100, Currency.EUR), true, NOW), 100L, NOW);
    view.record(new CasinoEvent(nextId++, 12, 0, EventType.DEPOSIT, new Money(700, Currency.USD), false,
        NOW.minusSeconds(10)), 650L, NOW);
    view.record(new CasinoEvent(nextId++, 12, 0, EventType.DEPOSIT, new Money(300, Currency.EUR), false,
        NOW.minusSeconds(10).plusMillis(999)), 300L, NOW);
    view.record(at(NOW.minusSeconds(10)), null, NOW);
    view.record(new CasinoEvent(nextId++, 13, 0, EventType.DEPOSIT, new Money(900, Currency.EUR), false,
        NOW.minus(Duration.ofHours(2))), 900L, NOW);   // in the totals only

    Figures figures = view.figures(NOW);
    assertArrayEquals(new long[] {2, 2, 1, 0}, second(figures, NOW));
    assertArrayEquals(new long[] {3, 0, 0, 950}, second(figures, NOW.minusSeconds(10)));
    assertEquals(5, java.util.Arrays.stream(figures.eventsPerSecond()).sum());
    assertEquals(950, java.util.Arrays.stream(figures.depositCentsPerSecond()).sum());
    assertEquals(new ViewState.Top(12, 950), figures.topPlayerDeposits());
  }

  @Test
  void lateEventsCountInTheTotalButNotInTheAverage() {
    view.record(at(NOW.minus(Duration.ofHours(2))), null, NOW);

    ViewState.Snapshot snapshot = view.snapshot(3600, NOW);
    assertEquals(1, snapshot.eventsTotal());
    assertEquals(0.0, snapshot.eventsPerSecondMovingAverage());
  }

  @Test
  void futureEventsBeyondTheSkewCountAsNow() {
    view.record(at(NOW.plus(Duration.ofDays(1))), null, NOW);
    view.record(at(NOW.plusSeconds(3)), null, NOW); // within the skew: counted at its own second

    assertEquals(1.0, view.snapshot(1, NOW).eventsPerSecondMovingAverage());
    assertEquals(1.0, view.snapshot(1, NOW.plusSeconds(3)).eventsPerSecondMovingAverage());
  }

  @Test
  void eventsPerMinuteUsesAtLeastOneMinute() {
    for (int i = 0; i < 30; i++) {
      view.record(at(NOW.minusSeconds(20)), null, NOW);
    }
    assertEquals(30.0, view.snapshot(60, NOW).eventsPerMinute(), "20 s of events is still one minute");
    assertEquals(10.0, view.snapshot(60, NOW.plusSeconds(160)).eventsPerMinute(), "3 minutes after the earliest");
    assertEquals(0.0, new ViewState(Duration.ofHours(1), 10).snapshot(60, NOW).eventsPerMinute());
  }

  @Test
  void topPlayersAreNullBeforeData() {
    view.record(at(NOW), null, NOW);

    ViewState.Snapshot snapshot = view.snapshot(60, NOW);
    assertNull(snapshot.topPlayerBets());
    assertNull(snapshot.topPlayerWins());
    assertNull(snapshot.topPlayerDeposits());
  }

  @Test
  void topPlayersCountBetsWinsAndDepositSumsWithTiesToTheLowestId() {
    view.record(bet(12, false), 100L, NOW);
    view.record(bet(12, true), 100L, NOW);
    view.record(bet(11, false), 100L, NOW);
    view.record(bet(11, false), 100L, NOW); // 11 and 12 tie at 2 bets: 11 leads
    view.record(bet(13, true), 100L, NOW);  // 12 and 13 tie at 1 win: 12 leads
    view.record(deposit(14), 5_000L, NOW);
    view.record(deposit(15), 3_000L, NOW);
    view.record(deposit(15), 2_500L, NOW);  // 15 has 5,500 cents

    ViewState.Snapshot snapshot = view.snapshot(60, NOW);
    assertEquals(new ViewState.Top(11, 2), snapshot.topPlayerBets());
    assertEquals(new ViewState.Top(12, 1), snapshot.topPlayerWins());
    assertEquals(new ViewState.Top(15, 5_500), snapshot.topPlayerDeposits());

    view.record(bet(13, true), 100L, NOW);
    view.record(bet(13, false), 100L, NOW);
    snapshot = view.snapshot(60, NOW);
    assertEquals(new ViewState.Top(13, 3), snapshot.topPlayerBets());
    assertEquals(new ViewState.Top(13, 2), snapshot.topPlayerWins());
  }

  @Test
  void winsComeOnlyFromWonBets() {
    view.record(bet(10, false), 100L, NOW);
    view.record(deposit(10), 100L, NOW);
    view.record(at(NOW), null, NOW);

    assertNull(view.snapshot(60, NOW).topPlayerWins());
  }

  @Test
  void eachIdIsCountedOnce() {
    CasinoEvent event = bet(10, true);

    assertTrue(view.record(event, 100L, NOW));
    assertFalse(view.record(event, 100L, NOW.plusSeconds(10)));
    assertFalse(view.record(event, 100L, NOW.plus(Duration.ofMinutes(59))));

    ViewState.Snapshot snapshot = view.snapshot(3600, NOW.plus(Duration.ofMinutes(59)));
    assertEquals(1, snapshot.eventsTotal());
    assertEquals(new ViewState.Top(10, 1), snapshot.topPlayerBets());
  }

  @Test
  void windowOutsideOneToAnHourIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> view.snapshot(0, NOW));
    assertThrows(IllegalArgumentException.class, () -> view.snapshot(3601, NOW));
  }

  @Test
  void rememberedIdsStayBoundedOverALongRun() {
    ViewState small = new ViewState(Duration.ofHours(1), 1_000_000);
    Instant t = NOW;
    for (int minute = 0; minute < 6 * 60; minute++) {   // six hours at 100 events a minute
      for (int i = 0; i < 100; i++) {
        small.record(at(t), null, t);
      }
      t = t.plusSeconds(60);
    }
    // At most the horizon plus one generation (10 minutes) of ids is remembered.
    assertTrue(small.rememberedIds() <= 70 * 100, "remembers " + small.rememberedIds());
    assertTrue(small.rememberedIds() >= 60 * 100, "forgot ids younger than an hour: " + small.rememberedIds());
    assertEquals(6 * 60 * 100, small.snapshot(60, t).eventsTotal());
  }

  @Test
  void aHardCapBoundsMemoryEvenAtExtremeRates() {
    ViewState capped = new ViewState(Duration.ofHours(1), 10_000);
    Instant t = NOW;
    for (int minute = 0; minute < 60; minute++) {
      for (int i = 0; i < 1_000; i++) {
        capped.record(at(t), null, t);
      }
      t = t.plusSeconds(60);
    }
    assertTrue(capped.rememberedIds() <= 10_000, "remembers " + capped.rememberedIds());
  }
}
