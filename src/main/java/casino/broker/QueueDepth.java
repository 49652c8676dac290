package casino.broker;

import casino.config.Settings;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * How many messages wait in a queue, read in the background (a passive declare on a connection
 * of its own) so that whoever asks, a metrics scrape or the dashboard, gets the last reading at
 * once. Unknown (NaN) until the first reading, whenever the last one failed, and once the last
 * one is older than {@code freshFor} (a broker that stopped answering): a number held from
 * before the broker went away would say something false.
 */
public final class QueueDepth implements AutoCloseable {
  private final Settings.Rabbit rabbit;
  private final String queue;
  private final Clock clock;
  private final Duration freshFor;
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile Reading last = new Reading(Double.NaN, Instant.MIN);
  private volatile boolean closed;
  private volatile Connection connection;
  private Channel channel;

  private record Reading(double messages, Instant at) {}

  public QueueDepth(Settings.Rabbit rabbit, String queue, Clock clock, Duration freshFor) {
    this.rabbit = rabbit;
    this.queue = queue;
    this.clock = clock;
    this.freshFor = freshFor;
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
        last = new Reading(Double.NaN, clock.instant());
      }
    }, timerContext);
  }

  /** The depth at the last reading; NaN when unknown. */
  public double messages() {
    Reading reading = last;
    return reading.at().plus(freshFor).isAfter(clock.instant()) ? reading.messages() : Double.NaN;
  }

  /** The depth at the last reading, if known. */
  public OptionalLong current() {
    double messages = messages();
    return Double.isNaN(messages) ? OptionalLong.empty() : OptionalLong.of((long) messages);
  }

  /** Reads the depth now (blocking); returns at once if another reading is under way. */
  public void read() {
    if (!reading.compareAndSet(false, true)) {
      return;
    }
    try {
      last = new Reading(closed ? Double.NaN : channel().queueDeclarePassive(queue).getMessageCount(), clock.instant());
    } catch (IOException | Broker.BrokerUnavailableException | RuntimeException e) {
      // The broker closes a channel that asks after a missing queue; a lost connection closes it too.
      last = new Reading(Double.NaN, clock.instant());
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
