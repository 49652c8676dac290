package casino.processor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the node's pipeline moves: a batch whose count keeps failing holds every later batch
 * (none is acked past it), so the node is not ready while that lasts, though it is alive.
 */
final class Progress {
  private final Clock clock;
  private final Duration grace;
  private volatile Instant failingSince;

  Progress(Clock clock, Duration grace) {
    this.clock = clock;
    this.grace = grace;
  }

  void countFailed() {
    if (failingSince == null) {
      failingSince = clock.instant();
    }
  }

  void counted() {
    failingSince = null;
  }

  /** True unless counting has failed for longer than the grace period. */
  boolean moving() {
    Instant since = failingSince;
    return since == null || clock.instant().isBefore(since.plus(grace));
  }
}
