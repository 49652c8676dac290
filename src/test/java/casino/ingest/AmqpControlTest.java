package casino.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A drain requested while a stage starts reaches it, whichever comes first. */
class AmqpControlTest {

  @Test
  void aDrainBeforeTheStageAttachesStopsItAtOnce() {
    AmqpControl control = new AmqpControl();
    control.drain();

    assertTrue(control.attach(requested -> { }));
  }

  @Test
  void aDrainAfterTheStageAttachedTriggersIt() {
    AmqpControl control = new AmqpControl();
    AtomicInteger triggered = new AtomicInteger();

    assertEquals(false, control.attach(requested -> triggered.incrementAndGet()));
    control.drain();

    assertEquals(1, triggered.get());
  }

  @Test
  void aDrainRacingTheStagesAttachIsNeverLost() throws Exception {
    int rounds = 50_000;
    AmqpControl[] controls = new AmqpControl[rounds];
    AtomicBoolean[] triggered = new AtomicBoolean[rounds];
    for (int i = 0; i < rounds; i++) {
      controls[i] = new AmqpControl();
      triggered[i] = new AtomicBoolean();
    }
    // Both threads start each round together: the stage attaches while the drain is requested.
    AtomicInteger started = new AtomicInteger(-1);
    AtomicInteger drained = new AtomicInteger(-1);
    Thread drainer = new Thread(() -> {
      for (int i = 0; i < rounds; i++) {
        while (started.get() < i) {
          Thread.onSpinWait();
        }
        controls[i].drain();
        drained.set(i);
      }
    });
    drainer.start();
    int lost = 0;
    for (int i = 0; i < rounds; i++) {
      AtomicBoolean trigger = triggered[i];
      started.set(i);
      boolean stopAtOnce = controls[i].attach(requested -> trigger.set(true));
      while (drained.get() < i) {
        Thread.onSpinWait();
      }
      if (!stopAtOnce && !trigger.get()) {
        lost++;
      }
    }
    drainer.join();

    assertEquals(0, lost, "drains that neither stopped the stage at its start nor reached it later");
  }
}
