package casino.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.testing.MovingClock;
import casino.testing.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The events queue's depth as the metrics show it, read from the real broker. */
class QueueDepthIT {
  private TestBroker broker;
  private final MovingClock clock = new MovingClock(java.time.Instant.parse("2026-06-01T12:00:00Z"));
  private QueueDepth depth;

  @BeforeEach
  void start() throws Exception {
    broker = new TestBroker("depth");
    depth = new QueueDepth(broker.settings(), broker.settings().eventsQueue(), clock, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    depth.close();
    broker.close();
  }

  @Test
  void followsTheQueueAndIsUnknownWhileTheQueueIsGone() throws Exception {
    assertTrue(Double.isNaN(depth.messages()), "unknown before the first reading");

    for (int i = 0; i < 7; i++) {
      broker.publish(new byte[] {(byte) i});
    }
    broker.awaitDepth(broker.settings().eventsQueue(), 7, Duration.ofSeconds(5));   // in the queue, seen from another connection
    depth.read();
    assertEquals(7, depth.messages());

    broker.drain(broker.settings().eventsQueue());
    depth.read();
    assertEquals(0, depth.messages());

    broker.channel().queueDelete(broker.settings().eventsQueue());
    depth.read();
    assertTrue(Double.isNaN(depth.messages()), "a missing queue has no depth, not the last one");

    // The broker closed the channel that asked after the missing queue: the next reading opens another.
    Broker.declareQueues(broker.channel(), broker.settings());
    broker.publish(new byte[] {1});
    broker.awaitDepth(broker.settings().eventsQueue(), 1, Duration.ofSeconds(5));
    depth.read();
    assertEquals(1, depth.messages());
  }

  @Test
  void aReadingOlderThanItsFreshnessIsUnknown() throws Exception {
    broker.publish(new byte[] {1});
    broker.awaitDepth(broker.settings().eventsQueue(), 1, Duration.ofSeconds(5));
    depth.read();
    assertEquals(1, depth.messages());
    assertEquals(java.util.OptionalLong.of(1), depth.current());

    clock.advance(Duration.ofSeconds(5));   // no reading since: a broker that stopped answering

    assertTrue(Double.isNaN(depth.messages()));
    assertEquals(java.util.OptionalLong.empty(), depth.current());
  }

  @Test
  void closedItReadsNothing() throws Exception {
    broker.publish(new byte[] {1});
    broker.awaitDepth(broker.settings().eventsQueue(), 1, Duration.ofSeconds(5));
    depth.read();
    assertEquals(1, depth.messages());

    depth.close();
    depth.read();

    assertTrue(Double.isNaN(depth.messages()));
  }
}
