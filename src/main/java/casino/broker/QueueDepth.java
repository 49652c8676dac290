package casino.broker;

import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * How many messages wait in a queue, read in the background (a passive declare on a connection
 * of its own) so that whoever asks, a metrics scrape, gets the last reading at once. NaN until
 * the first reading and whenever the last one failed: a number held from before the broker went
 * away would say something false.
 */
public final class QueueDepth implements AutoCloseable {
  private final Settings.Rabbit rabbit;
  private final String queue;
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile double messages = Double.NaN;
  private volatile boolean closed;
  private volatile Connection connection;
  private Channel channel;

  public QueueDepth(Settings.Rabbit rabbit, String queue) {
    this.rabbit = rabbit;
    this.queue = queue;
  }

  /**
   * Reads now and every {@code interval} on {@code blocking}; a reading still under way (a
   * broker slow to answer) is not started again. Cancel to stop.
   */
  public Cancellable start(Scheduler scheduler, Duration interval, Executor blocking, ExecutionContext timerContext) {
    return scheduler.scheduleWithFixedDelay(Duration.ZERO, interval, () -> {
      try {
        blocking.execute(this::read);
      } catch (RejectedExecutionException shuttingDown) {
        messages = Double.NaN;
      }
    }, timerContext);
  }

  /** The depth at the last reading; NaN when unknown. */
  public double messages() {
    return messages;
  }

  /** Reads the depth now (blocking); returns at once if another reading is under way. */
  public void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    try {
      messages = closed ? Double.NaN : channel().queueDeclarePassive(queue).getMessageCount();
    } catch (IOException | Broker.BrokerUnavailableException | RuntimeException e) {
      // The broker closes a channel that asks after a missing queue; a lost connection closes it too.
      messages = Double.NaN;
      channel = null;
    } finally {
      reading.set(false);
    }
  }

  private Channel channel() throws IOException, Broker.BrokerUnavailableException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    Connection open = connection;
    if (open == null || !open.isOpen()) {
      open = Broker.connect(rabbit, "casino-queue-depth:" + queue);
      connection = open;
      if (closed) {
        open.abort(1_000);   // closed while connecting
        throw new IOException("closed");
      }
    }
    channel = open.createChannel();
    return channel;
  }

  @Override
  public void close() {
    closed = true;
    Connection open = connection;
    if (open != null && open.isOpen()) {
      open.abort(1_000);
    }
  }
}
