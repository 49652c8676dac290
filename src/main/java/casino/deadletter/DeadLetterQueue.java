package casino.deadletter;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Operations on the dead-letter queue: count, look at, and replay to the queue it came from. */
public final class DeadLetterQueue implements AutoCloseable {
  public static final String REPLAYS = "x-casino-replays";

  private final Settings.Rabbit rabbit;
  private final Connection connection;

  public DeadLetterQueue(Settings.Rabbit rabbit) throws Broker.BrokerUnavailableException, IOException {
    this(rabbit, "casino-dead-letter-tool");
  }

  /** {@code connectionName}: how the broker's connection list names it. */
  public DeadLetterQueue(Settings.Rabbit rabbit, String connectionName) throws Broker.BrokerUnavailableException, IOException {
    this.rabbit = rabbit;
    this.connection = Broker.connect(rabbit, connectionName);
    try (Channel channel = connection.createChannel()) {
      Broker.declareQueues(channel, rabbit);
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  public long count() throws IOException {
    try (Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(rabbit.deadLetterQueue()).getMessageCount();
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** The first {@code limit} dead letters, left in the queue (they are requeued when the channel closes). */
  public List<DeadLetter> peek(int limit) throws IOException {
    List<DeadLetter> letters = new ArrayList<>();
    try (Channel channel = connection.createChannel()) {
      GetResponse response;
      while (letters.size() < limit && (response = channel.basicGet(rabbit.deadLetterQueue(), false)) != null) {
        letters.add(DeadLetter.of(response.getBody(), response.getProps()));
      }
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
    return letters;
  }

  /**
   * Moves up to {@code limit} dead letters back to the queue each came from. A letter leaves the
   * dead-letter queue only after the broker confirmed its copy in that queue; when that queue
   * no longer exists the replay stops there and the letter stays.
   */
  public int replay(int limit) throws IOException, InterruptedException {
    int replayed = 0;
    try (Channel channel = connection.createChannel()) {
      ConfirmingChannel confirming = new ConfirmingChannel(channel, DeadLetters.CONFIRM_TIMEOUT);
      GetResponse response;
      while (replayed < limit && (response = channel.basicGet(rabbit.deadLetterQueue(), false)) != null) {
        AMQP.BasicProperties props = response.getProps();
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        Object target = headers.remove(DeadLetters.ORIGINAL_QUEUE);
        headers.remove(DeadLetters.REASON);
        headers.remove(DeadLetters.AT);
        headers.remove(ConfirmingChannel.PUBLISH_ID);
        headers.merge(REPLAYS, 1, (a, b) -> ((Number) a).intValue() + 1);
        String queue = target != null ? target.toString() : rabbit.eventsQueue();
        long tag = response.getEnvelope().getDeliveryTag();
        try {
          confirming.publish(queue, props.builder().headers(headers).deliveryMode(2).build(), response.getBody()).get();
        } catch (ExecutionException e) {
          channel.basicNack(tag, false, true);
          throw new ReplayStoppedException("replayed " + replayed + " message(s), then stopped: "
              + e.getCause().getMessage() + "; that dead letter stays in the dead-letter queue", e.getCause());
        }
        channel.basicAck(tag, false);
        replayed++;
      }
    } catch (TimeoutException e) {
      throw new IOException("closing the replay's channel timed out", e);
    }
    return replayed;
  }

  /** A dead letter could not be replayed (its queue is gone, say); the ones before it were. */
  public static final class ReplayStoppedException extends IOException {
    private static final long serialVersionUID = 1L;

    ReplayStoppedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
