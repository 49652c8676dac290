package casino.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.testing.Rabbitmqctl;
import casino.testing.TestBroker;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The committable source against the real local RabbitMQ. */
class AmqpSourceIT {
  private static ActorTestKit testKit;
  private static Materializer materializer;
  private TestBroker broker;
  private Settings.Rabbit rabbit;

  @BeforeAll
  static void startSystem() {
    testKit = ActorTestKit.create();
    materializer = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stopSystem() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void queues() throws Exception {
    broker = new TestBroker("source");
    rabbit = broker.settings().withPrefetch(50);
  }

  @AfterEach
  void deleteQueues() throws Exception {
    broker.close();
  }

  private String queue() {
    return rabbit.eventsQueue();
  }

  private void publish(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      broker.channel().basicPublish("", queue(), MessageProperties.PERSISTENT_BASIC,
          ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String text(CommittableMessage m) {
    return new String(m.body(), StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void everyMessageArrivesAndIsAckedOnce() throws Exception {
    int n = 1_000;
    publish(n);

    List<String> bodies = await(AmqpSource.committable(rabbit, queue())
        .take(n)
        .mapAsync(4, m -> m.ack().thenApply(done -> text(m)))
        .runWith(Sink.seq(), materializer));

    assertEquals(n, bodies.size());
    assertEquals(n, new HashSet<>(bodies).size());
    assertEquals(0, broker.depth(queue()), "acked messages must not come back after the channel closed");
  }

  @Test
  void underLoadDeliveriesShortOfAWakeBatchAreCollectedByTheTimer() throws Exception {
    int n = 3_000;
    publish(n);
    // Loaded from the first full window (100 ms) on, and the wake batch is never reached: from
    // then on only the collecting timer brings these messages to the stage.
    Coalescing neverWoken = new Coalescing(10_000, Duration.ofMillis(20), 0);

    List<String> bodies = await(AmqpSource.committable(rabbit, queue(), neverWoken)
        .take(n)
        .mapAsync(4, m -> m.ack().thenApply(done -> text(m)))
        .runWith(Sink.seq(), materializer));

    assertEquals(n, new HashSet<>(bodies).size());
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void whenTheLoadIsOverEachDeliveryWakesTheStageAgain() throws Exception {
    int load = 3_000;
    publish(load);
    // Under load the stage is woken every 10 deliveries and collects the rest every 2 s.
    Coalescing coalescing = new Coalescing(10, Duration.ofSeconds(2), 1_000);
    Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(rabbit, queue(), coalescing)
        .take(load + 3)
        .mapAsync(4, m -> m.ack().thenApply(done -> arrivedAt.put(text(m), System.nanoTime())))
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (arrivedAt.size() < load && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(load, arrivedAt.size());
    // A collection after the load has ended sees the rate fall: the first one, or the second
    // when the first still counts the last window's arrivals over its 2 s.
    Thread.sleep(6_500);
    // Three single messages 700 ms apart: were they collected every 2 s, at least two would
    // wait longer than 300 ms.
    for (int i = 0; i < 3; i++) {
      String body = "single" + i;
      long sent = System.nanoTime();
      broker.channel().basicPublish("", queue(), MessageProperties.PERSISTENT_BASIC, body.getBytes(StandardCharsets.UTF_8));
      while (!arrivedAt.containsKey(body) && System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(5)) {
        Thread.sleep(1);
      }
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(arrivedAt.getOrDefault(body, System.nanoTime()) - sent);
      assertTrue(waitedMs < 300, body + " reached the stage after " + waitedMs + " ms");
      Thread.sleep(700);
    }
    await(running.second());
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void aSlowConsumerNeverHoldsMoreThanPrefetchUnacked() throws Exception {
    int n = 200;
    publish(n);
    AtomicInteger maxUnackedAtBroker = new AtomicInteger();
    AtomicInteger maxUnackedInStage = new AtomicInteger();

    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(rabbit, queue())
        .take(n)
        .mapAsync(1, m -> CompletableFuture.supplyAsync(() -> m,
            CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)).thenCompose(CommittableMessage::ack))
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    while (!running.second().toCompletableFuture().isDone()) {
      // The broker's own count: emitted, buffered in the stage, or in flight to it.
      long atBroker = Rabbitmqctl.unacknowledged(queue());
      maxUnackedAtBroker.accumulateAndGet((int) atBroker, Math::max);
      maxUnackedInStage.accumulateAndGet(running.first().unacked(), Math::max);
    }
    await(running.second());

    assertTrue(maxUnackedAtBroker.get() <= rabbit.prefetch(),
        "broker had " + maxUnackedAtBroker.get() + " unacked, prefetch " + rabbit.prefetch());
    assertTrue(maxUnackedAtBroker.get() >= rabbit.prefetch() / 2, "prefetch window was never used: " + maxUnackedAtBroker.get());
    assertTrue(maxUnackedInStage.get() <= rabbit.prefetch());
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void settlingAfterTheSourceStoppedFailsAtOnce() throws Exception {
    publish(1);
    Settings.Rabbit quickDrain = rabbit.withAckDrainTimeout(Duration.ofMillis(300));

    CommittableMessage message = await(AmqpSource.committable(quickDrain, queue()).runWith(Sink.head(), materializer));
    // Sink.head cancels after one element; the stage waits 300 ms for that ack, then closes.
    Thread.sleep(1_000);

    long started = System.nanoTime();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> message.ack().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "ack took long to fail");
    assertTrue(e.getCause().getMessage().contains("source has stopped"), e.getCause().getMessage());
    assertEquals(1, broker.depth(queue()), "the unacked message is back in the queue");
  }

  @Test
  void nackWithRequeueBringsTheMessageBackRedelivered() throws Exception {
    publish(1);

    List<Boolean> redelivered = await(AmqpSource.committable(rabbit, queue())
        .take(2)
        .mapAsync(1, m -> (m.redelivered() ? m.ack() : m.nack(true)).thenApply(done -> m.redelivered()))
        .runWith(Sink.seq(), materializer));

    assertEquals(List.of(false, true), redelivered);
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void nackWithoutRequeueDeadLettersWhenTheQueueHasADeadLetterExchange() throws Exception {
    String withDlx = queue() + ".dlx";
    broker.channel().queueDeclare(withDlx, true, false, false, Map.of(
        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", rabbit.deadLetterQueue()));
    broker.channel().basicPublish("", withDlx, MessageProperties.PERSISTENT_BASIC, "poison".getBytes(StandardCharsets.UTF_8));

    await(AmqpSource.committable(rabbit, withDlx).take(1)
        .mapAsync(1, m -> m.nack(false)).runWith(Sink.ignore(), materializer));

    assertEquals(0, broker.depth(withDlx));
    GetResponse dead = broker.channel().basicGet(rabbit.deadLetterQueue(), true);
    assertNotNull(dead, "nacked message must be dead-lettered");
    assertEquals("poison", new String(dead.getBody(), StandardCharsets.UTF_8));
    broker.channel().queueDelete(withDlx);
  }

  @Test
  void settlingTwiceIsAnErrorNotABrokenChannel() throws Exception {
    publish(3);

    List<String> outcome = await(AmqpSource.committable(rabbit, queue())
        .take(3)
        .mapAsync(1, m -> {
          CompletionStage<Done> settled = text(m).equals("m0") ? m.ack().thenCompose(done -> m.ack()) : m.ack();
          return settled.handle((done, failure) -> failure == null ? "acked" : failure.getMessage());
        })
        .runWith(Sink.seq(), materializer));

    assertTrue(outcome.get(0).contains("delivery 1 is not outstanding"), outcome.get(0));
    assertEquals(List.of("acked", "acked"), outcome.subList(1, 3), "channel still usable after a double ack");
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void aBatchAckedWithMultipleLetsTheSourceCompleteAtOnceOnCancel() throws Exception {
    publish(100);
    Settings.Rabbit slowDrain = rabbit.withAckDrainTimeout(Duration.ofSeconds(30));

    long started = System.nanoTime();
    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(slowDrain, queue())
        .take(40)
        .grouped(10)
        .mapAsync(1, batch -> batch.get(batch.size() - 1).ackUpTo())
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    await(running.second());
    // The stage stops on its own once every emitted tag is settled: well before the 30 s drain timeout.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running.first().connected() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    assertFalse(running.first().connected(), "stage still waiting for acks it already had");
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    assertEquals(0, running.first().unacked());
    assertEquals(60, broker.depth(queue()), "40 acked, the 60 others (buffered or not) back in the queue");
  }

  @Test
  void aConnectionClosedByTheBrokerIsReopenedAndNothingIsLost() throws Exception {
    int n = 3_000;
    publish(n);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger processed = new AtomicInteger();
    CompletableFuture<Void> closed = new CompletableFuture<>();

    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.reconnecting(rabbit, queue())
        // Past a third of the messages, processing waits until the broker has closed the connection.
        .mapAsync(8, m -> (processed.get() < n / 3 ? CompletableFuture.completedFuture(m) : closed.thenApply(v -> m))
            .thenCompose(msg -> msg.ack().handle((d, failure) -> {
              // A failed ack means the message is redelivered; count it only once acked.
              if (failure == null) {
                seen.add(text(msg));
              }
              return processed.incrementAndGet();
            })))
        .takeWhile(i -> seen.size() < n)
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    while (processed.get() < n / 3) {
      Thread.sleep(10);
    }
    int closedCount = Rabbitmqctl.closeConnectionsNamed("casino-consumer:" + queue());
    closed.complete(null);
    await(running.second());

    assertEquals(1, closedCount, "the test must really have closed the consumer's connection");
    assertEquals(n, seen.size());
    Thread.sleep(500);
    assertEquals(0, broker.depth(queue()));
  }

  @Test
  void aChannelClosedByTheBrokerFailsTheSourceWithTheBrokersReason() throws Exception {
    publish(10);
    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(rabbit, queue())
        .mapAsync(4, CommittableMessage::ack)
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    awaitConsuming(running.first());

    assertEquals(1, Rabbitmqctl.failChannelsOfConnectionNamed("casino-consumer:" + queue()));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> running.second().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(AmqpSourceException.class, failed.getCause());
    assertTrue(failed.getCause().getMessage().contains("channel closed by RabbitMQ")
        && failed.getCause().getMessage().contains("unknown delivery tag"), failed.getCause().getMessage());
  }

  @Test
  void aChannelClosedByTheBrokerIsReopenedAndLaterMessagesArrive() throws Exception {
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.reconnecting(rabbit, queue())
        .mapAsync(4, m -> m.ack().thenApply(done -> acked.add(text(m))))
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    publish(10);
    awaitSize(acked, 10);

    assertEquals(1, Rabbitmqctl.failChannelsOfConnectionNamed("casino-consumer:" + queue()));
    for (int i = 0; i < 10; i++) {
      broker.channel().basicPublish("", queue(), MessageProperties.PERSISTENT_BASIC,
          ("later" + i).getBytes(StandardCharsets.UTF_8));
    }

    awaitSize(acked, 20);
    assertEquals(20, acked.size(), "messages published after the channel was closed");
    await(running.first().drain());
    assertEquals(0, broker.depth(queue()));
  }

  private static void awaitConsuming(AmqpControl control) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!control.connected() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(control.connected(), "the source never consumed");
  }

  private static void awaitSize(Set<String> set, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (set.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void aDrainRequestedWhileTheSourceStartsCompletesIt() throws Exception {
    publish(20);
    for (int i = 0; i < 30; i++) {
      Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(rabbit, queue())
          .mapAsync(4, CommittableMessage::ack)
          .toMat(Sink.ignore(), Keep.both())
          .run(materializer);
      // From another thread, while the stage is being started, and twice: draining is idempotent.
      CompletableFuture<CompletionStage<Done>> drained = CompletableFuture.supplyAsync(() -> running.first().drain());
      running.first().drain();

      drained.get(5, TimeUnit.SECONDS).toCompletableFuture().get(5, TimeUnit.SECONDS);
      running.second().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertFalse(running.first().connected(), "round " + i);
    }
  }

  @Test
  void drainLetsInFlightMessagesFinishAndCompletes() throws Exception {
    int n = 500;
    publish(n);
    AtomicInteger acked = new AtomicInteger();

    Pair<AmqpControl, CompletionStage<Done>> running = AmqpSource.committable(rabbit, queue())
        .mapAsync(4, m -> CompletableFuture.supplyAsync(() -> m, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS))
            .thenCompose(CommittableMessage::ack))
        .map(done -> acked.incrementAndGet())
        .toMat(Sink.ignore(), Keep.both())
        .run(materializer);
    while (acked.get() < 50) {
      Thread.sleep(5);
    }
    CompletionStage<Done> drained = running.first().drain();

    await(drained);
    await(running.second());
    assertEquals(0, running.first().unacked());
    assertTrue(acked.get() < n, "drain must stop taking new messages");
    Thread.sleep(300);
    assertEquals(n - acked.get(), broker.depth(queue()), "every message not acked is back in the queue");
  }
}
