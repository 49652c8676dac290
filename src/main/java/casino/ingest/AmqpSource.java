package casino.ingest;

import casino.config.Settings;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Committable sources of RabbitMQ messages for Pekko Streams, on the RabbitMQ Java client.
 *
 * <p>Guarantees: manual acks only; at most {@code prefetch} messages unacknowledged (the broker
 * stops delivering past that, so the stage buffers no more); acks never hang; a lost
 * connection fails the source and everything unacknowledged is redelivered by the broker.
 */
public final class AmqpSource {
  private AmqpSource() {}

  /** One connection; fails when it is lost. Each materialization has its own control. */
  public static Source<CommittableMessage, AmqpControl> committable(Settings.Rabbit rabbit, String queue) {
    return committable(rabbit, queue, Coalescing.NONE);
  }

  public static Source<CommittableMessage, AmqpControl> committable(Settings.Rabbit rabbit, String queue, Coalescing coalescing) {
    return Source.fromGraph(new AmqpSourceStage(rabbit, queue, coalescing, null));
  }

  /**
   * Reconnects with backoff whenever the connection is lost. The returned source is meant to be
   * materialized once: its control spans every reconnection.
   */
  public static Source<CommittableMessage, AmqpControl> reconnecting(Settings.Rabbit rabbit, String queue) {
    return reconnecting(rabbit, queue, Coalescing.NONE);
  }

  public static Source<CommittableMessage, AmqpControl> reconnecting(Settings.Rabbit rabbit, String queue, Coalescing coalescing) {
    AmqpControl control = new AmqpControl();
    RestartSettings backoff = RestartSettings.create(rabbit.reconnectMinBackoff(), rabbit.reconnectMaxBackoff(), 0.2);
    return RestartSource.onFailuresWithBackoff(backoff,
            () -> Source.fromGraph(new AmqpSourceStage(rabbit, queue, coalescing, control)))
        .mapMaterializedValue(notUsed -> control);
  }
}
