package casino.deadletter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.testing.JavaProcess;
import casino.testing.TestBroker;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dead-letter tool against the real RabbitMQ: a replay never loses a dead letter. */
class DeadLetterQueueIT {
  private TestBroker broker;
  private String gone;

  @BeforeEach
  void queues() throws Exception {
    broker = new TestBroker("replay");
    gone = "test.replay.gone." + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void deleteQueues() throws Exception {
    broker.channel().queueDelete(gone);
    broker.close();
  }

  @Test
  void replayIntoAQueueThatNoLongerExistsKeepsTheDeadLetterAndSaysWhich() throws Exception {
    byte[] body = "poison".getBytes(StandardCharsets.UTF_8);
    Settings.Rabbit processorOfGoneQueue = broker.settings().withQueues(gone, broker.settings().deadLetterQueue());
    try (DeadLetters deadLetters = new DeadLetters(processorOfGoneQueue, Clock.systemUTC())) {
      deadLetters.send(body, null, "undecodable payload").toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    broker.channel().queueDelete(gone);

    try (DeadLetterQueue dlq = new DeadLetterQueue(broker.settings())) {
      IOException stopped = assertThrows(IOException.class, () -> dlq.replay(10));
      assertTrue(stopped.getMessage().contains("no queue " + gone), stopped.getMessage());
      assertEquals(1, dlq.count(), "the dead letter stays in the dead-letter queue");

      JavaProcess tool = JavaProcess.start(DeadLetterMain.class, Map.of(
          "EVENTS_QUEUE", broker.settings().eventsQueue(), "DEAD_LETTER_QUEUE", broker.settings().deadLetterQueue()), "replay");
      assertEquals(1, tool.waitFor(Duration.ofSeconds(30)), tool.stderr());
      assertTrue(tool.stderr().contains("no queue " + gone) && tool.stderr().contains("stays in the dead-letter queue"),
          tool.stderr());
      assertEquals(1, dlq.count());

      broker.channel().queueDeclare(gone, true, false, false, null);
      assertEquals(1, dlq.replay(10), "once the queue is back the replay goes through");
      assertEquals(0, dlq.count());
    }
    GetResponse replayed = broker.channel().basicGet(gone, true);
    assertArrayEquals(body, replayed.getBody());
    assertFalse(replayed.getProps().getHeaders().containsKey(DeadLetters.REASON));
  }
}
