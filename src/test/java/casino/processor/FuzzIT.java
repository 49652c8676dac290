package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The short fuzz run of CI; {@code bin/bench fuzz} runs the long one. */
class FuzzIT {
  @Test
  void tenSecondsOfHostileMessagesStopNothingAndLoseNothing() throws Exception {
    long seed = System.nanoTime();
    FuzzRun.Result r = FuzzRun.run(Duration.ofSeconds(10), 1_000, seed);

    String run = "seed " + seed + ": " + r;
    assertTrue(r.alive(), "processor down: " + run);
    assertEquals(0, r.depthLeft(), run);
    assertEquals(0, r.unaccounted(), run);
    assertTrue(r.written() + r.deadLettered() <= r.published(), "a line or dead letter per message at most: " + run);
    assertTrue(r.written() > 0 && r.deadLettered() > 0, "both outcomes exercised: " + run);
  }
}
