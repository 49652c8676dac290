package casino.ingest;

import casino.broker.Broker;
import casino.config.Settings;
import casino.domain.WireFormat;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Drains a backlog of persistent event-sized messages through {@link AmqpSource} with batched
 * acks and, in the same run, through a plain amqp-client consumer loop acking the same way;
 * alternating, so that the machine's noise falls on both. Run with {@code bin/bench source}.
 */
public final class SourceBenchmark {
  static final int BATCH = 100;

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Settings.Rabbit rabbit = Settings.load().rabbit();
    String queue = "bench.source." + System.nanoTime();
    Settings.Rabbit bench = rabbit.withQueues(queue, queue + ".dead");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench");
    long sourceNanos = 0;
    long plainNanos = 0;
    try (Connection connection = Broker.connect(bench, "bench-filler")) {
      Channel channel = connection.createChannel();
      Broker.declareQueues(channel, bench);
      for (int round = 1; round <= rounds; round++) {
        fill(channel, queue, messages);
        long plain = plainLoop(bench, queue, messages);
        fill(channel, queue, messages);
        long source = throughSource(system, bench, queue, messages);
        System.out.printf(Locale.ROOT, "round %d: plain %.0f/s, source %.0f/s%n", round, rate(messages, plain), rate(messages, source));
        plainNanos += plain;
        sourceNanos += source;
      }
      channel.queueDelete(queue);
      channel.queueDelete(queue + ".dead");
    } finally {
      system.terminate();
    }
    double sourceRate = rate((long) messages * rounds, sourceNanos);
    double plainRate = rate((long) messages * rounds, plainNanos);
    System.out.printf(Locale.ROOT, "RESULT source_per_s=%.0f plain_per_s=%.0f ratio=%.3f%n",
        sourceRate, plainRate, sourceRate / plainRate);
  }

  public static double rate(long messages, long nanos) {
    return messages / (nanos / 1e9);
  }

  /** Publishes {@code n} persistent messages of event size, confirmed, and waits for all confirms. */
  public static void fill(Channel channel, String queue, int n) throws Exception {
    EventGenerator generator = new EventGenerator(new IdGenerator(63, Clock.systemUTC()), new SplittableRandom(1), Clock.systemUTC());
    channel.confirmSelect();
    for (int i = 0; i < n; i++) {
      channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, WireFormat.encode(generator.next()));
      if (i % 5_000 == 4_999) {
        channel.waitForConfirmsOrDie(60_000);
      }
    }
    channel.waitForConfirmsOrDie(60_000);
    while (channel.queueDeclarePassive(queue).getMessageCount() < n) {
      Thread.sleep(50);
    }
  }

  /** The reference: amqp-client's own consumer, acking every {@value #BATCH} with multiple=true. */
  public static long plainLoop(Settings.Rabbit rabbit, String queue, int n) throws Exception {
    return plainLoop(rabbit, queue, 0, n);
  }

  /**
   * Consumes {@code warmup + n} messages and returns the time taken by the last {@code n}:
   * the first ones only warm up the JIT.
   */
  public static long plainLoop(Settings.Rabbit rabbit, String queue, int warmup, int n) throws Exception {
    int total = warmup + n;
    return timedConsume(rabbit, queue, "bench-plain", warmup, n, channel -> (tag, received) -> {
      if (received % BATCH == 0 || received == total) {
        channel.basicAck(tag, true);
      }
    });
  }

  /** What a timed consumer does with each delivery: its tag and how many were received so far, this one included. */
  interface OnDelivery {
    void delivered(long deliveryTag, int received) throws IOException;
  }

  /**
   * Consumes {@code warmup + n} messages on a connection of its own, each handed to what
   * {@code consumer} makes for the channel, and returns the time taken by the last {@code n}.
   */
  static long timedConsume(Settings.Rabbit rabbit, String queue, String name, int warmup, int n,
      Function<Channel, OnDelivery> consumer) throws Exception {
    int total = warmup + n;
    try (Connection connection = Broker.connect(rabbit, name)) {
      Channel channel = connection.createChannel();
      channel.basicQos(rabbit.prefetch());
      OnDelivery onDelivery = consumer.apply(channel);
      CountDownLatch done = new CountDownLatch(1);
      long[] started = {System.nanoTime()};
      channel.basicConsume(queue, false, new DefaultConsumer(channel) {
        int received;

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
          received++;
          if (received == warmup) {
            started[0] = System.nanoTime();
          }
          onDelivery.delivered(envelope.getDeliveryTag(), received);
          if (received == total) {
            done.countDown();
          }
        }
      });
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException(name + " did not finish");
      }
      return System.nanoTime() - started[0];
    }
  }

  /** The stage, acking each batch (at most {@value #BATCH}, well inside the prefetch) with ackUpTo. */
  static long throughSource(ActorSystem<Void> system, Settings.Rabbit rabbit, String queue, int n) throws Exception {
    long started = System.nanoTime();
    AmqpSource.committable(rabbit, queue)
        .take(n)
        .groupedWithin(BATCH, Duration.ofMillis(20))
        .mapAsync(1, batch -> batch.get(batch.size() - 1).ackUpTo())
        .runWith(Sink.ignore(), system)
        .toCompletableFuture()
        .get(10, TimeUnit.MINUTES);
    return System.nanoTime() - started;
  }
}
