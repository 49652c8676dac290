package casino.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.testing.TcpProxy;
import casino.testing.TestBroker;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead letters against the real RabbitMQ: confirmed only once they are in the queue, never lost on the way. */
class DeadLettersIT {
  private TestBroker broker;

  @BeforeEach
  void queues() throws Exception {
    broker = new TestBroker("deadletters");
  }

  @AfterEach
  void deleteQueues() throws Exception {
    broker.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void confirmed(CompletionStage<Done> sent) throws Exception {
    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aDeadLetterNoQueueTookFailsAndTheNextOneDeclaresTheQueueAgain() throws Exception {
    String queue = broker.settings().deadLetterQueue();
    try (DeadLetters deadLetters = new DeadLetters(broker.settings(), Clock.systemUTC())) {
      confirmed(deadLetters.send(bytes("first"), null, "first"));
      broker.channel().queueDelete(queue);

      ExecutionException lost = assertThrows(ExecutionException.class,
          () -> confirmed(deadLetters.send(bytes("second"), null, "no queue")));
      assertTrue(lost.getCause().getMessage().contains("no queue " + queue), lost.getCause().getMessage());

      confirmed(deadLetters.send(bytes("second"), null, "again"));
      List<String> letters = broker.drain(queue).stream()
          .map(GetResponse::getBody).map(b -> new String(b, StandardCharsets.UTF_8)).toList();
      assertEquals(List.of("second"), letters, "the queue is declared again and holds the dead letter sent after");
    }
  }

  @Test
  void aDeadLetterTheBrokerDoesNotConfirmFailsAtItsDeadline() throws Exception {
    try (TcpProxy proxy = broker.proxy();
         DeadLetters deadLetters = new DeadLetters(broker.through(proxy), Clock.systemUTC(), Duration.ofSeconds(1))) {
      confirmed(deadLetters.send(bytes("before"), null, "before"));
      proxy.freeze();

      long started = System.nanoTime();
      ExecutionException overdue = assertThrows(ExecutionException.class,
          () -> confirmed(deadLetters.send(bytes("unconfirmed"), null, "unconfirmed")));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertTrue(overdue.getCause().getMessage().contains("not confirmed"), overdue.getCause().getMessage());
      assertTrue(tookMs < 4_000, "failed after " + tookMs + " ms");
      proxy.down();
    }
  }
}
