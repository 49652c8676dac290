package casino.deadletter;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Publishes messages to the dead-letter queue with their original body and properties, plus
 * headers saying why, when and from which queue. The returned stage completes only when the
 * broker has confirmed the dead letter: only then may the original be acked.
 */
public final class DeadLetters implements AutoCloseable {
  public static final String REASON = "x-casino-dead-letter-reason";
  public static final String AT = "x-casino-dead-lettered-at";
  public static final String ORIGINAL_QUEUE = "x-casino-original-queue";
  /** A dead letter the broker has not confirmed by then is not known to be safe. */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

  private final Settings.Rabbit rabbit;
  private final Clock clock;
  private final Duration confirmTimeout;
  private Connection connection;
  private ConfirmingChannel channel;

  public DeadLetters(Settings.Rabbit rabbit, Clock clock) {
    this(rabbit, clock, CONFIRM_TIMEOUT);
  }

  DeadLetters(Settings.Rabbit rabbit, Clock clock, Duration confirmTimeout) {
    this.rabbit = rabbit;
    this.clock = clock;
    this.confirmTimeout = confirmTimeout;
  }

  /**
   * Fails when the dead letter is not known to be in the dead-letter queue: not confirmed in
   * time, refused, or returned because the queue is gone (it is declared again for the next one).
   */
  public CompletionStage<Done> send(byte[] body, AMQP.BasicProperties original, String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (original != null && original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    headers.put(REASON, reason);
    headers.put(AT, clock.instant().toString());
    headers.put(ORIGINAL_QUEUE, rabbit.eventsQueue());
    AMQP.BasicProperties.Builder props = original == null ? new AMQP.BasicProperties.Builder() : original.builder();
    AMQP.BasicProperties properties = props.headers(headers).deliveryMode(2).build();
    synchronized (this) {
      try {
        return channel().publish(rabbit.deadLetterQueue(), properties, body);
      } catch (IOException | RuntimeException | Broker.BrokerUnavailableException e) {
        dropChannel();
        return CompletableFuture.failedFuture(new IOException("dead-lettering failed: " + e.getMessage(), e));
      }
    }
  }

  private ConfirmingChannel channel() throws IOException, Broker.BrokerUnavailableException {
    if (channel != null && channel.isOpen()) {
      if (channel.takeReturned()) {
        // Someone deleted a queue since this channel declared it.
        Broker.declareQueues(channel.channel(), rabbit);
      }
      return channel;
    }
    if (connection == null || !connection.isOpen()) {
      connection = Broker.connect(rabbit, "casino-dead-letters");
    }
    Channel ch = connection.createChannel();
    Broker.declareQueues(ch, rabbit);
    channel = new ConfirmingChannel(ch, confirmTimeout);
    return channel;
  }

  /** Its pending dead letters fail with it: the next send starts on a fresh channel. */
  private void dropChannel() {
    if (channel != null) {
      channel.abort();
    }
    channel = null;
  }

  @Override
  public synchronized void close() {
    if (connection != null && connection.isOpen()) {
      connection.abort(5_000);
    }
  }
}
