package casino.broker;

import casino.config.Secrets;
import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

/** Connections to RabbitMQ and the queues every component relies on. */
public final class Broker {
  private Broker() {}

  /**
   * Opens a connection named after its role (visible in the broker's connection list). The
   * client's automatic recovery is off: delivery tags are valid only on the channel that
   * delivered them, so each component reconnects itself and knows what was lost.
   */
  public static Connection connect(Settings.Rabbit rabbit, String connectionName) throws BrokerUnavailableException {
    return connect(rabbit, connectionName, null);
  }

  /**
   * As {@link #connect(Settings.Rabbit, String)}, with consumer callbacks run by
   * {@code consumerDispatch}; null: the client's own pool.
   */
  public static Connection connect(Settings.Rabbit rabbit, String connectionName, ExecutorService consumerDispatch)
      throws BrokerUnavailableException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(rabbit.uri());
    } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
      throw new BrokerUnavailableException("invalid RabbitMQ URI " + Secrets.maskUri(rabbit.uri()) + ": " + e.getMessage(), e);
    }
    int timeoutMs = (int) rabbit.connectTimeout().toMillis();
    factory.setConnectionTimeout(timeoutMs);
    factory.setHandshakeTimeout(timeoutMs);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setRequestedHeartbeat((int) rabbit.heartbeat().toSeconds());
    try {
      return factory.newConnection(consumerDispatch, connectionName);
    } catch (IOException | TimeoutException e) {
      String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      if (e.getCause() != null && e.getCause().getMessage() != null) {
        cause = e.getCause().getMessage();
      }
      throw new BrokerUnavailableException(
          "cannot reach RabbitMQ at " + Secrets.maskUri(rabbit.uri()) + ": " + cause, e);
    }
  }

  /** Declares the durable events and dead-letter queues; harmless when they exist. */
  public static void declareQueues(Channel channel, Settings.Rabbit rabbit) throws IOException {
    channel.queueDeclare(rabbit.eventsQueue(), true, false, false, null);
    channel.queueDeclare(rabbit.deadLetterQueue(), true, false, false, null);
  }

  public static final class BrokerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
