package casino.deadletter;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
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

  private final Settings.Rabbit rabbit;
  private final Clock clock;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Done>> unconfirmed = new ConcurrentSkipListMap<>();
  private Connection connection;
  private Channel channel;

  public DeadLetters(Settings.Rabbit rabbit, Clock clock) {
    this.rabbit = rabbit;
    this.clock = clock;
  }

  public CompletionStage<Done> send(byte[] body, AMQP.BasicProperties original, String reason) {
    CompletableFuture<Done> confirmed = new CompletableFuture<>();
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
        Channel ch = channel();
        unconfirmed.put(ch.getNextPublishSeqNo(), confirmed);
        ch.basicPublish("", rabbit.deadLetterQueue(), properties, body);
      } catch (IOException | RuntimeException | Broker.BrokerUnavailableException e) {
        confirmed.completeExceptionally(new IOException("dead-lettering failed: " + e.getMessage(), e));
        dropChannel(e);
      }
    }
    return confirmed;
  }

  private Channel channel() throws IOException, Broker.BrokerUnavailableException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    if (connection == null || !connection.isOpen()) {
      connection = Broker.connect(rabbit, "casino-dead-letters");
    }
    Channel ch = connection.createChannel();
    Broker.declareQueues(ch, rabbit);
    ch.confirmSelect();
    ch.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long tag, boolean multiple) {
        settle(tag, multiple, null);
      }

      @Override
      public void handleNack(long tag, boolean multiple) {
        settle(tag, multiple, new IOException("the broker refused the dead letter"));
      }
    });
    ch.addShutdownListener(cause -> dropChannel(cause));
    channel = ch;
    return ch;
  }

  private void settle(long tag, boolean multiple, Exception failure) {
    Map<Long, CompletableFuture<Done>> done = multiple ? unconfirmed.headMap(tag, true) : subMap(tag);
    done.values().forEach(f -> {
      if (failure == null) {
        f.complete(Done.getInstance());
      } else {
        f.completeExceptionally(failure);
      }
    });
    done.clear();
  }

  private Map<Long, CompletableFuture<Done>> subMap(long tag) {
    return unconfirmed.subMap(tag, true, tag, true);
  }

  private synchronized void dropChannel(Exception cause) {
    // Confirms of a closed channel never come: those dead letters are not known to be safe.
    unconfirmed.values().forEach(f -> f.completeExceptionally(new IOException("dead-letter channel closed: " + cause.getMessage())));
    unconfirmed.clear();
    channel = null;
  }

  @Override
  public synchronized void close() {
    try {
      if (connection != null && connection.isOpen()) {
        connection.close(5_000);
      }
    } catch (IOException e) {
      connection.abort();
    }
  }
}
