package casino.deadletter;

import casino.broker.Broker;
import casino.config.Settings;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;

/**
 * How many dead letters wait in the dead-letter queue, for the dashboard: read in the background
 * (a passive queue declare every interval, on a connection of its own), never per request, so
 * that readers get it from memory at once whatever the broker does.
 */
public final class DeadLetterDepth implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterDepth.class);

  private final Settings.Rabbit rabbit;
  private final Clock clock;
  private final Duration freshFor;
  private DeadLetterQueue queue;
  private volatile Reading last;

  private record Reading(long depth, Instant at) {}

  /** {@code freshFor}: how long a reading is answered; after that (the broker away) the depth is unknown. */
  public DeadLetterDepth(Settings.Rabbit rabbit, Clock clock, Duration freshFor) {
    this.rabbit = rabbit;
    this.clock = clock;
    this.freshFor = freshFor;
  }

  /** Reads the depth now and every {@code interval} from the end of each reading; cancel to stop. */
  public Cancellable start(Scheduler scheduler, Duration interval, ExecutionContext blocking) {
    return scheduler.scheduleWithFixedDelay(Duration.ZERO, interval, this::read, blocking);
  }

  /** Blocks for a broker round trip; a failed reading drops the connection, and the next opens a new one. */
  public synchronized void read() {
    try {
      if (queue == null) {
        queue = new DeadLetterQueue(rabbit, "casino-dead-letter-depth");
      }
      last = new Reading(queue.count(), clock.instant());
    } catch (IOException | Broker.BrokerUnavailableException | RuntimeException e) {
      log.debug("dead-letter queue depth not read: {}", e.getMessage());
      close();
    }
  }

  /** The depth last read, if it was read within {@code freshFor}. */
  public OptionalLong current() {
    Reading reading = last;
    return reading != null && reading.at().plus(freshFor).isAfter(clock.instant())
        ? OptionalLong.of(reading.depth()) : OptionalLong.empty();
  }

  @Override
  public synchronized void close() {
    if (queue != null) {
      try {
        queue.close();
      } catch (IOException | RuntimeException e) {
        log.debug("closing the dead-letter depth's connection: {}", e.getMessage());
      }
      queue = null;
    }
  }
}
