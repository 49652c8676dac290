package casino.testing;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The real local RabbitMQ, with queues of the test's own so that tests never share one. */
public final class TestBroker implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;
  private final Settings.Rabbit rabbit;

  public TestBroker(String prefix) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Settings.Rabbit base = Settings.load().rabbit();
    this.rabbit = base.withQueues("test." + prefix + ".events." + suffix, "test." + prefix + ".dead." + suffix);
    this.connection = Broker.connect(rabbit, "casino-test");
    this.channel = connection.createChannel();
    Broker.declareQueues(channel, rabbit);
  }

  public Settings.Rabbit settings() {
    return rabbit;
  }

  public Channel channel() {
    return channel;
  }

  public long depth(String queue) throws Exception {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /** Takes every message currently in the queue (and acks it). */
  public List<GetResponse> drain(String queue) throws Exception {
    List<GetResponse> all = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      all.add(response);
    }
    return all;
  }

  @Override
  public void close() throws java.io.IOException, java.util.concurrent.TimeoutException {
    try {
      channel.queueDelete(rabbit.eventsQueue());
      channel.queueDelete(rabbit.deadLetterQueue());
    } finally {
      connection.close();
    }
  }
}
