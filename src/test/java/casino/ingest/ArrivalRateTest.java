package casino.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArrivalRateTest {
  private static final long MS = 1_000_000;

  @Test
  void theRateIsKnownOnlyOnceAWindowHasPassed() {
    ArrivalRate rate = new ArrivalRate(1_000, 0);
    assertFalse(rate.record(500, 50 * MS), "half a window: no verdict yet");
    assertTrue(rate.record(0, 100 * MS), "500 in 100 ms is 5,000/s");
  }

  @Test
  void theVerdictHoldsUntilTheNextWindowEnds() {
    ArrivalRate rate = new ArrivalRate(1_000, 0);
    assertTrue(rate.record(200, 100 * MS));
    assertTrue(rate.record(0, 150 * MS), "the window from 100 ms is not over");
    assertFalse(rate.record(0, 200 * MS), "nothing arrived from 100 to 200 ms");
  }

  @Test
  void aLongQuietSpellIsMeasuredAsOneWindow() {
    ArrivalRate rate = new ArrivalRate(1_000, 0);
    assertTrue(rate.record(150, 100 * MS));
    assertFalse(rate.record(150, 2_000 * MS), "150 over 1.9 s is under 100/s");
  }

  @Test
  void exactlyTheThresholdCounts() {
    ArrivalRate rate = new ArrivalRate(1_000, 0);
    assertTrue(rate.record(100, 100 * MS));
  }

  @Test
  void aNegativeThresholdIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ArrivalRate(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ArrivalRate(Double.NaN, 0));
  }

  @Test
  void coalescingIsOnlyOnWithABatchADelayAndAReachableRate() {
    assertTrue(new Coalescing(250, Duration.ofMillis(5), 5_000).enabled());
    assertFalse(Coalescing.NONE.enabled());
    assertFalse(new Coalescing(1, Duration.ofMillis(5), 5_000).enabled(), "a batch of one is every delivery");
    assertFalse(new Coalescing(250, Duration.ZERO, 5_000).enabled(), "no delay: nothing collects the stragglers");
    assertEquals("wakeBatch must be at least 1, maxDelay and fromRate not negative; got 0, PT0.005S, 5000.0",
        assertThrows(IllegalArgumentException.class, () -> new Coalescing(0, Duration.ofMillis(5), 5_000)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Coalescing(250, Duration.ofMillis(-5), 5_000));
    assertThrows(IllegalArgumentException.class, () -> new Coalescing(250, Duration.ofMillis(5), -1));
  }
}
