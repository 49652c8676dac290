package casino.deadletter;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Return;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;

/**
 * A channel in confirm mode whose publishes count only once a queue has them. Messages are
 * mandatory: one that no queue took comes back, and its pending confirm fails even though the
 * broker acks it afterwards. Pending confirms belong to their channel (sequence numbers restart
 * on every channel) and fail when it closes, or at their deadline.
 */
final class ConfirmingChannel {
  /** The publish's sequence number on its channel: matches a returned message to its pending confirm. */
  static final String PUBLISH_ID = "x-casino-publish-id";

  private final Channel channel;
  private final Duration confirmTimeout;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Done>> pending = new ConcurrentSkipListMap<>();
  private final AtomicBoolean returned = new AtomicBoolean();

  ConfirmingChannel(Channel channel, Duration confirmTimeout) throws IOException {
    this.channel = channel;
    this.confirmTimeout = confirmTimeout;
    channel.confirmSelect();
    channel.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long tag, boolean multiple) {
        settle(tag, multiple, null);
      }

      @Override
      public void handleNack(long tag, boolean multiple) {
        settle(tag, multiple, new IOException("the broker refused the message"));
      }
    });
    // The broker sends a return before the ack of the same message, on the same thread.
    channel.addReturnListener(this::onReturn);
    channel.addShutdownListener(cause -> {
      IOException closed = new IOException("channel closed before the broker confirmed: " + cause.getMessage());
      pending.values().forEach(f -> f.completeExceptionally(closed));
      pending.clear();
    });
  }

  Channel channel() {
    return channel;
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /** Closes the channel at once; what it still has pending fails. */
  void abort() {
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      // going anyway
    }
  }

  /** True once after a message came back: a queue is missing and should be declared again. */
  boolean takeReturned() {
    return returned.getAndSet(false);
  }

  /**
   * Publishes to {@code queue}; completes when the broker confirmed it into the queue, fails
   * when it was returned, refused, its channel closed, or no confirm came within the deadline.
   */
  CompletableFuture<Done> publish(String queue, AMQP.BasicProperties properties, byte[] body) throws IOException {
    long seq = channel.getNextPublishSeqNo();
    Map<String, Object> headers = new HashMap<>(properties.getHeaders() == null ? Map.of() : properties.getHeaders());
    headers.put(PUBLISH_ID, seq);
    CompletableFuture<Done> confirmed = new CompletableFuture<>();
    pending.put(seq, confirmed);
    try {
      channel.basicPublish("", queue, true, properties.builder().headers(headers).build(), body);
    } catch (IOException | RuntimeException e) {
      pending.remove(seq);
      throw e;
    }
    CompletableFuture.delayedExecutor(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      if (pending.remove(seq, confirmed)) {
        confirmed.completeExceptionally(new IOException("not confirmed by the broker within " + confirmTimeout));
      }
    });
    return confirmed;
  }

  private void onReturn(Return message) {
    returned.set(true);
    Object id = message.getProperties().getHeaders() == null ? null : message.getProperties().getHeaders().get(PUBLISH_ID);
    CompletableFuture<Done> confirm = id instanceof Number seq ? pending.remove(seq.longValue()) : null;
    if (confirm != null) {
      confirm.completeExceptionally(new IOException("no queue " + message.getRoutingKey()
          + " took the message (returned by the broker: " + message.getReplyText() + ")"));
    }
  }

  private void settle(long tag, boolean multiple, Exception failure) {
    Map<Long, CompletableFuture<Done>> done = multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true);
    done.values().forEach(f -> {
      if (failure == null) {
        f.complete(Done.getInstance());
      } else {
        f.completeExceptionally(failure);
      }
    });
    done.clear();
  }
}
