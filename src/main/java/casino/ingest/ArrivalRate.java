package casino.ingest;

import java.time.Duration;

/**
 * Whether arrivals come at least at a given rate, measured over windows of 100 ms. Not thread
 * safe: one stage measures its own arrivals.
 */
public final class ArrivalRate {
  private static final long WINDOW_NANOS = Duration.ofMillis(100).toNanos();

  private final double threshold;
  private long windowStarted;
  private long arrivals;
  private boolean atLeast;

  /** {@code threshold} arrivals per second; not negative. */
  public ArrivalRate(double threshold, long now) {
    if (threshold < 0 || Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be negative, got " + threshold);
    }
    this.threshold = threshold;
    this.windowStarted = now;
  }

  /**
   * Counts {@code n} arrivals (zero to let time pass) at {@code now}, in nanoseconds; true while
   * the last full window's rate was at least the threshold.
   */
  public boolean record(long n, long now) {
    arrivals += n;
    long elapsed = now - windowStarted;
    if (elapsed >= WINDOW_NANOS) {
      atLeast = arrivals * 1e9 / elapsed >= threshold;
      windowStarted = now;
      arrivals = 0;
    }
    return atLeast;
  }
}
