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
import java.util.concurrent.TimeoutException;

/** Operations on the dead-letter queue: count, look at, and replay to the queue it came from. */
public final class DeadLetterQueue implements AutoCloseable {
  public static final String REPLAYS = "x-casino-replays";

  private final Settings.Rabbit rabbit;
  private final Connection connection;

  public DeadLetterQueue(Settings.Rabbit rabbit) throws Broker.BrokerUnavailableException, IOException {
    this.rabbit = rabbit;
    this.connection = Broker.connect(rabbit, "casino-dead-letter-tool");
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
   * dead-letter queue only after the broker confirmed its copy in the main queue.
   */
  public int replay(int limit) throws IOException, InterruptedException {
    int replayed = 0;
    try (Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      GetResponse response;
      while (replayed < limit && (response = channel.basicGet(rabbit.deadLetterQueue(), false)) != null) {
        AMQP.BasicProperties props = response.getProps();
        Map<String, Object> headers = new HashMap<>(props.getHeaders() == null ? Map.of() : props.getHeaders());
        Object target = headers.remove(DeadLetters.ORIGINAL_QUEUE);
        headers.remove(DeadLetters.REASON);
        headers.remove(DeadLetters.AT);
        headers.merge(REPLAYS, 1, (a, b) -> ((Number) a).intValue() + 1);
        String queue = target != null ? target.toString() : rabbit.eventsQueue();
        channel.basicPublish("", queue, props.builder().headers(headers).deliveryMode(2).build(), response.getBody());
        channel.waitForConfirmsOrDie(30_000);
        channel.basicAck(response.getEnvelope().getDeliveryTag(), false);
        replayed++;
      }
    } catch (TimeoutException e) {
      throw new IOException("the broker did not confirm a replayed message; it stays dead-lettered", e);
    }
    return replayed;
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
