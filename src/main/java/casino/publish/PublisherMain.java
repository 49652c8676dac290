package casino.publish;

import casino.broker.Broker;
import casino.config.InvalidSettingsException;
import casino.config.Settings;
import java.io.IOException;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mvn -q exec:java@publisher -Dexec.args="--rate max --count 100000"}.
 *
 * <p>Exit status: 0 when every event was confirmed by the broker, 1 when some were not (the
 * number is printed), 2 for bad options or configuration or an unreachable broker.
 */
public final class PublisherMain {
  private PublisherMain() {}

  public static void main(String[] args) {
    PublisherOptions options;
    Settings settings;
    try {
      options = PublisherOptions.parse(args);
      settings = Settings.load();
    } catch (IllegalArgumentException | InvalidSettingsException e) {
      System.err.println("publisher: " + e.getMessage());
      System.exit(2);
      return;
    }
    NodeIdLease lease = null;
    int node;
    if (settings.publisher().nodeId().isPresent()) {
      node = settings.publisher().nodeId().getAsInt();
    } else {
      try {
        lease = NodeIdLease.acquire(settings.redis());
        node = lease.nodeId();
      } catch (IllegalStateException e) {
        System.err.println("publisher: " + e.getMessage());
        System.exit(2);
        return;
      }
    }
    EventGenerator generator =
        new EventGenerator(new IdGenerator(node, Clock.systemUTC()), new SplittableRandom(), Clock.systemUTC());
    Publisher publisher = new Publisher(settings.rabbit(), settings.publisher(), generator, System.err);

    CountDownLatch finished = new CountDownLatch(1);
    int[] exitCode = {1};
    Thread stopper = new Thread(() -> {
      // On SIGINT/SIGTERM: stop generating, let run() collect outstanding confirms, then
      // leave with run()'s verdict rather than the signal's.
      if (finished.getCount() > 0) {
        publisher.requestStop();
        try {
          finished.await();
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        System.err.flush();
        Runtime.getRuntime().halt(exitCode[0]);
      }
    }, "publisher-stop");
    Runtime.getRuntime().addShutdownHook(stopper);

    try {
      Publisher.Result result = publisher.run(options);
      exitCode[0] = result.allConfirmed() ? 0 : 1;
      if (!result.allConfirmed()) {
        System.err.println("publisher: " + result.unconfirmed() + " events were not confirmed by the broker");
      }
    } catch (Broker.BrokerUnavailableException e) {
      System.err.println("publisher: " + e.getMessage());
      exitCode[0] = 2;
    } catch (IOException e) {
      System.err.println("publisher: RabbitMQ failed: " + e.getMessage());
      exitCode[0] = 2;
    } finally {
      if (lease != null) {
        lease.close();
      }
      finished.countDown();
    }
    System.exit(exitCode[0]);
  }
}
