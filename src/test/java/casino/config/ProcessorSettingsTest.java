package casino.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The processor's lingers and the scheduler that times them. */
class ProcessorSettingsTest {

  private static Settings with(Map<String, String> values) {
    return Settings.from(ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()));
  }

  @Test
  void theSchedulerTicksFinelyEnoughForTheDefaultLingers() {
    Duration tick = ConfigFactory.load().getDuration(Settings.Processor.SCHEDULER_TICK);
    Settings.Processor processor = Settings.load().processor();
    assertEquals(Duration.ofMillis(1), tick);
    assertTrue(processor.batchLinger().compareTo(tick) >= 0 && processor.countGather().compareTo(tick) >= 0,
        processor + " against a tick of " + tick);
  }

  @Test
  void aLingerShorterThanTheTickIsAClearError() {
    String[] lingers = {"casino.processor.batch-linger", "casino.processor.count-gather"};
    for (int i = 0; i < lingers.length; i++) {
      String path = lingers[i];
      String other = lingers[1 - i];
      InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
          () -> with(Map.of(path, "5ms", other, "0s", Settings.Processor.SCHEDULER_TICK, "10ms")));
      assertTrue(e.getMessage().startsWith(path.substring("casino.".length()) + " is 5.0 ms, shorter than the scheduler's tick"),
          e.getMessage());
      assertTrue(e.getMessage().contains("pekko.scheduler.tick-duration = 10.0 ms"), e.getMessage());
    }
  }

  @Test
  void aLingerOfZeroOrAtLeastTheTickIsTaken() {
    Settings.Processor processor = with(Map.of("casino.processor.batch-linger", "0s",
        "casino.processor.count-gather", "10ms", Settings.Processor.SCHEDULER_TICK, "10ms")).processor();
    assertEquals(Duration.ZERO, processor.batchLinger());
    assertEquals(Duration.ofMillis(10), processor.countGather());
  }
}
