package casino.ingest;

import java.time.Duration;

/**
 * When deliveries wake the source stage. Each wake-up is a hand-over between threads, and at
 * tens of thousands of messages a second waking the stage for every few of them costs the
 * CPU the broker needs. While messages arrive at {@code fromRate} a second or faster, the stage
 * is woken once {@code wakeBatch} have arrived, and collects the rest every {@code maxDelay};
 * slower than that, every delivery wakes it at once. The processor's batches follow the same
 * policy: up to {@code wakeBatch} events, lingering up to {@code maxDelay} under that load.
 */
public record Coalescing(int wakeBatch, Duration maxDelay, double fromRate) {
  /** Every delivery wakes the stage at once. */
  public static final Coalescing NONE = new Coalescing(1, Duration.ZERO, Double.POSITIVE_INFINITY);

  public Coalescing {
    if (wakeBatch < 1 || maxDelay.isNegative() || !(fromRate >= 0)) {
      throw new IllegalArgumentException("wakeBatch must be at least 1, maxDelay and fromRate not negative; got "
          + wakeBatch + ", " + maxDelay + ", " + fromRate);
    }
  }

  boolean enabled() {
    return wakeBatch > 1 && !maxDelay.isZero() && fromRate != Double.POSITIVE_INFINITY;
  }
}
