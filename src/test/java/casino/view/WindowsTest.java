package casino.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tumbling windows summed from figures written by hand, at clocks chosen by hand. */
class WindowsTest {
  /** The keeper's clock when it made the figures: 12:00:00. */
  private static final Instant AS_OF = Instant.parse("2026-06-01T12:00:00Z");
  private static final long FIRST = AS_OF.getEpochSecond() - 3599;
  private static final int LENGTH = 3605;

  private final long[] events = new long[LENGTH];
  private final long[] bets = new long[LENGTH];
  private final long[] wins = new long[LENGTH];
  private final long[] deposits = new long[LENGTH];

  /** Adds to the second at {@code time}: events, bets, wins, deposit cents. */
  private void at(String time, long e, long b, long w, long d) {
    int i = (int) (Instant.parse("2026-06-01T" + time + "Z").getEpochSecond() - FIRST);
    events[i] += e;
    bets[i] += b;
    wins[i] += w;
    deposits[i] += d;
  }

  private Figures figures() {
    long total = IntStream.range(0, LENGTH).mapToLong(i -> events[i]).sum();
    return new Figures(AS_OF.toEpochMilli(), total, null, FIRST, events, null, null, null, 0, bets, wins, deposits);
  }

  private static Windows.Window window(String start, long e, long b, long w, long d) {
    return new Windows.Window(Instant.parse("2026-06-01T" + start + "Z"), e, b, w, d);
  }

  private static Windows.Window empty(String start) {
    return window(start, 0, 0, 0, 0);
  }

  @Test
  void minuteWindowsOfTheHourOldestFirstWithEmptyOnesAndThePartialOneLast() {
    at("11:00:59", 5, 5, 5, 0);       // before the oldest window: left out
    at("11:01:00", 1, 0, 0, 0);       // the oldest window's first second
    at("11:59:00", 1, 0, 0, 250);
    at("11:59:59", 2, 2, 0, 0);
    at("12:00:00", 3, 1, 1, 0);
    at("12:00:00", 1, 0, 0, 1_000);

    List<Windows.Window> windows = Windows.of(figures(), 60, 60, AS_OF.plusMillis(500));

    assertEquals(60, windows.size());
    assertEquals(window("11:01:00", 1, 0, 0, 0), windows.get(0));
    for (int i = 1; i < 58; i++) {
      assertEquals(empty(String.format("11:%02d:00", i + 1)), windows.get(i));
    }
    assertEquals(window("11:59:00", 3, 2, 0, 250), windows.get(58));
    assertEquals(window("12:00:00", 4, 1, 1, 1_000), windows.get(59));
  }

  @Test
  void windowsAreAlignedToMultiplesOfTheirSizeInEpochTime() {
    at("11:59:39", 1, 0, 0, 0);
    at("11:59:40", 2, 0, 0, 0);
    at("11:59:49", 3, 0, 0, 0);
    at("11:59:50", 4, 0, 0, 0);
    at("12:00:00", 5, 0, 0, 0);

    assertEquals(List.of(window("11:59:40", 5, 0, 0, 0), window("11:59:50", 4, 0, 0, 0), window("12:00:00", 5, 0, 0, 0)),
        Windows.of(figures(), 10, 3, Instant.parse("2026-06-01T12:00:07Z")));
    List<Windows.Window> fiveMinutes = Windows.of(figures(), 300, 12, Instant.parse("2026-06-01T12:02:30Z"));
    assertEquals(12, fiveMinutes.size());
    assertEquals(empty("11:05:00"), fiveMinutes.get(0));
    assertEquals(window("11:55:00", 10, 0, 0, 0), fiveMinutes.get(10));
    assertEquals(window("12:00:00", 5, 0, 0, 0), fiveMinutes.get(11));
  }

  @Test
  void secondWindowsAndTheLastFew() {
    at("11:59:58", 7, 3, 1, 40);
    at("12:00:00", 1, 1, 0, 0);

    assertEquals(List.of(window("11:59:58", 7, 3, 1, 40), empty("11:59:59"), window("12:00:00", 1, 1, 0, 0)),
        Windows.of(figures(), 1, 3, AS_OF.plusMillis(999)));
    assertEquals(List.of(window("12:00:00", 1, 1, 0, 0)), Windows.of(figures(), 1, 1, AS_OF));
    List<Windows.Window> hour = Windows.of(figures(), 1, 3600, AS_OF);
    assertEquals(empty("11:00:01"), hour.get(0));
    assertEquals(window("11:59:58", 7, 3, 1, 40), hour.get(3597));
  }

  @Test
  void eventsDatedAheadWithinTheSkewCountInTheWindowTheyFallIn() {
    at("12:00:03", 2, 0, 0, 0);

    assertEquals(List.of(window("12:00:00", 2, 0, 0, 0)), Windows.of(figures(), 60, 1, AS_OF));
    assertEquals(List.of(empty("12:00:00")), Windows.of(figures(), 1, 1, AS_OF));
  }

  @Test
  void aCopyOlderOrYoungerThanTheClockGivesZerosWhereItHoldsNothing() {
    at("11:00:01", 1, 0, 0, 0);
    at("12:00:00", 1, 0, 0, 0);

    // The node's clock a second behind the keeper's: its oldest second is before the copy's first.
    List<Windows.Window> behind = Windows.of(figures(), 1, 3600, AS_OF.minusSeconds(1));
    assertEquals(empty("11:00:00"), behind.get(0));
    assertEquals(window("11:00:01", 1, 0, 0, 0), behind.get(1));
    assertEquals(List.of(empty("12:00:10")), Windows.of(figures(), 1, 1, AS_OF.plusSeconds(10)));
    List<Windows.Window> none = Windows.of(Figures.EMPTY, 300, 12, AS_OF);
    assertEquals(empty("11:05:00"), none.get(0));
    assertEquals(empty("12:00:00"), none.get(11));
  }

  @Test
  void depositSumsSaturate() {
    at("11:59:58", 1, 0, 0, Long.MAX_VALUE / 2 + 1);
    at("11:59:59", 1, 0, 0, Long.MAX_VALUE / 2 + 1);

    assertEquals(Long.MAX_VALUE, Windows.of(figures(), 60, 1, Instant.parse("2026-06-01T11:59:59Z")).get(0).depositCents());
  }

  @Test
  void onlyTheOfferedSizesAndAtMostAnHourOfWindows() {
    assertEquals(List.of(3600, 360, 60, 12), Windows.SIZES.values().stream().map(Windows::perHour).toList());
    assertThrows(IllegalArgumentException.class, () -> Windows.of(figures(), 7, 1, AS_OF));
    assertThrows(IllegalArgumentException.class, () -> Windows.of(figures(), 60, 0, AS_OF));
    assertThrows(IllegalArgumentException.class, () -> Windows.of(figures(), 60, 61, AS_OF));
  }
}
