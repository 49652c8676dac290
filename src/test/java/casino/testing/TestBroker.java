package casino.testing;

import casino.broker.Broker;
import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import casino.domain.CasinoEvent;
import casino.domain.WireFormat;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
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

  /** Publishes an event to the events queue as the publisher would (persistent, protobuf). */
  public void publish(CasinoEvent event) throws IOException {
    publish(WireFormat.encode(event));
  }

  public void publish(byte[] body) throws IOException {
    channel.basicPublish("", rabbit.eventsQueue(), MessageProperties.PERSISTENT_BASIC, body);
  }

  /** Publishes {@code n} generated events (seeded, so reproducible) and returns their ids. */
  public Set<Long> publishGenerated(int n, int nodeId, long seed) throws IOException {
    EventGenerator generator = new EventGenerator(new IdGenerator(nodeId, Clock.systemUTC()), new SplittableRandom(seed), Clock.systemUTC());
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      CasinoEvent event = generator.next();
      ids.add(event.id());
      publish(event);
    }
    return ids;
  }

  /** {@code n} generated events (seeded, so reproducible), not published. */
  public static List<CasinoEvent> generated(int n, int nodeId, long seed) {
    EventGenerator generator = new EventGenerator(new IdGenerator(nodeId, Clock.systemUTC()), new SplittableRandom(seed), Clock.systemUTC());
    List<CasinoEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(generator.next());
    }
    return events;
  }

  public void publish(List<CasinoEvent> events) throws IOException {
    for (CasinoEvent event : events) {
      publish(event);
    }
  }

  /** Waits until the events queue is empty and nothing of it is unacknowledged. */
  public void awaitDrained(java.time.Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((depth(rabbit.eventsQueue()) > 0 || Rabbitmqctl.unacknowledged(rabbit.eventsQueue()) > 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    if (depth(rabbit.eventsQueue()) > 0 || Rabbitmqctl.unacknowledged(rabbit.eventsQueue()) > 0) {
      throw new AssertionError("the events queue did not drain within " + timeout);
    }
  }

  public long depth(String queue) throws Exception {
    return channel.queueDeclarePassive(queue).getMessageCount();
  }

  /**
   * The queue's depth, or -1 when it does not exist. Asked on a channel of its own: the broker
   * closes a channel that asks after a missing queue.
   */
  public long depthIfExists(String queue) throws Exception {
    Channel probe = connection.createChannel();
    try {
      return probe.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException missing) {
      return -1;
    } finally {
      if (probe.isOpen()) {
        probe.close();
      }
    }
  }

  /** A proxy in front of the broker, for {@link #through(TcpProxy)}. */
  public TcpProxy proxy() throws IOException {
    URI broker = URI.create(rabbit.uri());
    return TcpProxy.inFrontOf(broker.getHost(), broker.getPort() < 0 ? 5672 : broker.getPort());
  }

  /** Settings of these queues with the broker reached through the proxy. */
  public Settings.Rabbit through(TcpProxy proxy) {
    URI broker = URI.create(rabbit.uri());
    String uri = broker.getScheme() + "://" + (broker.getRawUserInfo() == null ? "" : broker.getRawUserInfo() + "@")
        + "127.0.0.1:" + proxy.port() + broker.getRawPath();
    return new Settings.Rabbit(uri, rabbit.eventsQueue(), rabbit.deadLetterQueue(), rabbit.prefetch(),
        rabbit.connectTimeout(), rabbit.ackDrainTimeout(), rabbit.reconnectMinBackoff(), rabbit.reconnectMaxBackoff(),
        rabbit.heartbeat());
  }

  /** Waits until the queue holds at least {@code depth} messages; the depth then. */
  public long awaitDepth(String queue, long depth, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long now = depth(queue);
    while (now < depth && System.nanoTime() < deadline) {
      Thread.sleep(100);
      now = depth(queue);
    }
    return now;
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
  public void close() throws IOException, java.util.concurrent.TimeoutException {
    try {
      channel.queueDelete(rabbit.eventsQueue());
      channel.queueDelete(rabbit.deadLetterQueue());
    } finally {
      connection.close();
    }
  }
}
