package casino.publish;

import casino.broker.Broker;
import casino.config.Settings;
import casino.domain.CasinoEvent;
import casino.domain.WireFormat;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes generated events as persistent messages with publisher confirms. At most
 * {@code confirm-window} messages are outstanding; a stop request ends generation and the
 * publisher then waits for the broker to confirm what it already sent.
 */
public final class Publisher {
  private final Settings.Rabbit rabbit;
  private final Settings.Publisher settings;
  private final EventGenerator generator;
  private final PrintStream progress;
  private volatile boolean stopRequested;

  private final ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong confirmed = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();

  public Publisher(Settings.Rabbit rabbit, Settings.Publisher settings, EventGenerator generator, PrintStream progress) {
    this.rabbit = rabbit;
    this.settings = settings;
    this.generator = generator;
    this.progress = progress;
  }

  /** Ends generation; {@link #run} then waits for outstanding confirms and returns. */
  public void requestStop() {
    stopRequested = true;
  }

  public Result run(PublisherOptions options) throws Broker.BrokerUnavailableException, IOException {
    try (Connection connection = Broker.connect(rabbit, "casino-publisher")) {
      Channel channel = connection.createChannel();
      Broker.declareQueues(channel, rabbit);
      channel.confirmSelect();
      Semaphore window = new Semaphore(settings.confirmWindow());
      channel.addConfirmListener(new ConfirmListener() {
        @Override
        public void handleAck(long tag, boolean multiple) {
          window.release(settle(tag, multiple, confirmed));
        }

        @Override
        public void handleNack(long tag, boolean multiple) {
          window.release(settle(tag, multiple, nacked));
        }
      });
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "publisher-progress");
        t.setDaemon(true);
        return t;
      });
      long started = System.nanoTime();
      AtomicLong lastSent = new AtomicLong();
      ticker.scheduleAtFixedRate(() -> {
        long now = sent.get();
        progress.println(progressLine(now - lastSent.getAndSet(now)));
      }, 1, 1, TimeUnit.SECONDS);
      try {
        publishUntilDone(channel, window, options, started);
        awaitConfirms(connection);
      } finally {
        ticker.shutdownNow();
      }
      double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-9);
      Result result = new Result(sent.get(), confirmed.get(), nacked.get(), sent.get() / seconds);
      progress.println(result.summary());
      return result;
    } catch (IOException e) {
      if (sent.get() == 0 && confirmed.get() == 0) {
        throw e;
      }
      // The connection broke mid-run: what is not confirmed is reported as such.
      progress.println("publisher: connection to RabbitMQ lost: " + e.getMessage());
      Result result = new Result(sent.get(), confirmed.get(), nacked.get(), 0);
      progress.println(result.summary());
      return result;
    }
  }

  private void publishUntilDone(Channel channel, Semaphore window, PublisherOptions options, long started)
      throws IOException {
    long limit = options.count().orElse(Long.MAX_VALUE);
    long deadline = options.duration() == null ? Long.MAX_VALUE : started + options.duration().toNanos();
    long intervalNanos = options.ratePerSecond().isPresent() ? 1_000_000_000L / options.ratePerSecond().getAsLong() : 0;
    while (!stopRequested && sent.get() < limit && System.nanoTime() < deadline) {
      if (intervalNanos > 0) {
        long due = started + sent.get() * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
      }
      try {
        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          if (!channel.isOpen()) {
            throw new IOException("channel closed: " + channel.getCloseReason().getMessage());
          }
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      CasinoEvent event = generator.next();
      long tag = channel.getNextPublishSeqNo();
      outstanding.put(tag, Boolean.TRUE);
      channel.basicPublish("", rabbit.eventsQueue(), properties(event), WireFormat.encode(event));
      sent.incrementAndGet();
    }
  }

  private void awaitConfirms(Connection connection) {
    long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
    while (!outstanding.isEmpty() && connection.isOpen() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private int settle(long tag, boolean multiple, AtomicLong counter) {
    int settled;
    if (multiple) {
      ConcurrentNavigableMap<Long, Boolean> done = outstanding.headMap(tag, true);
      settled = done.size();
      done.clear();
    } else {
      settled = outstanding.remove(tag) != null ? 1 : 0;
    }
    counter.addAndGet(settled);
    return settled;
  }

  private static AMQP.BasicProperties properties(CasinoEvent event) {
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType("application/x-protobuf")
        .type(event.type().wireName())
        .messageId(Long.toString(event.id()))
        .timestamp(Date.from(event.createdAt()))
        .build();
  }

  private String progressLine(long lastSecond) {
    return "publisher: sent=" + sent.get() + " confirmed=" + confirmed.get() + " nacked=" + nacked.get()
        + " outstanding=" + outstanding.size() + " rate=" + lastSecond + "/s";
  }

  /** What the run achieved; every event not confirmed by the broker counts as unconfirmed. */
  public record Result(long sent, long confirmed, long nacked, double ratePerSecond) {
    public long unconfirmed() {
      return sent - confirmed;
    }

    public boolean allConfirmed() {
      return unconfirmed() == 0;
    }

    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "publisher: done sent=%d confirmed=%d unconfirmed=%d (nacked=%d) average_rate=%.0f/s",
          sent, confirmed, unconfirmed(), nacked, ratePerSecond);
    }
  }
}
