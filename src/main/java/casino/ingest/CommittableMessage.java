package casino.ingest;

import com.rabbitmq.client.AMQP;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * A message delivered by {@link AmqpSource} and not yet settled. Exactly one of {@link #ack},
 * {@link #ackUpTo} (or a later message's {@code ackUpTo}) and {@link #nack} settles it.
 *
 * <p>Every returned stage completes: it fails at once when the source has stopped (the broker
 * then redelivers the message) or when the message was already settled.
 */
public final class CommittableMessage {
  private final byte[] body;
  private final AMQP.BasicProperties properties;
  private final boolean redelivered;
  private final long deliveryTag;
  private final long deliveredAtNanos;
  private final Settler settler;

  CommittableMessage(byte[] body, AMQP.BasicProperties properties, boolean redelivered, long deliveryTag,
      long deliveredAtNanos, Settler settler) {
    this.body = body;
    this.properties = properties;
    this.redelivered = redelivered;
    this.deliveryTag = deliveryTag;
    this.deliveredAtNanos = deliveredAtNanos;
    this.settler = settler;
  }

  public byte[] body() {
    return body;
  }

  public AMQP.BasicProperties properties() {
    return properties;
  }

  public Map<String, Object> headers() {
    Map<String, Object> headers = properties.getHeaders();
    return headers == null ? Collections.emptyMap() : Collections.unmodifiableMap(headers);
  }

  public boolean redelivered() {
    return redelivered;
  }

  public long deliveryTag() {
    return deliveryTag;
  }

  /** When the broker's delivery reached this process, on the {@link System#nanoTime()} scale. */
  public long deliveredAtNanos() {
    return deliveredAtNanos;
  }

  /** Acknowledges this message alone. */
  public CompletionStage<Done> ack() {
    return settler.settle(deliveryTag, Settlement.ACK);
  }

  /**
   * Acknowledges this message and every earlier one of the same delivery still outstanding,
   * in one broker call ({@code multiple=true}): for batches processed in order.
   */
  public CompletionStage<Done> ackUpTo() {
    return settler.settle(deliveryTag, Settlement.ACK_UP_TO);
  }

  /** Rejects this message; with {@code requeue} the broker delivers it again (flagged redelivered). */
  public CompletionStage<Done> nack(boolean requeue) {
    return settler.settle(deliveryTag, requeue ? Settlement.REQUEUE : Settlement.REJECT);
  }

  @Override
  public String toString() {
    return "CommittableMessage[tag=" + deliveryTag + ", redelivered=" + redelivered + ", bytes=" + body.length + "]";
  }

  enum Settlement { ACK, ACK_UP_TO, REQUEUE, REJECT }

  @FunctionalInterface
  interface Settler {
    CompletionStage<Done> settle(long deliveryTag, Settlement settlement);
  }
}
