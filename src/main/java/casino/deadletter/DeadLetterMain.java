package casino.deadletter;

import casino.broker.Broker;
import casino.config.InvalidSettingsException;
import casino.config.Settings;
import java.io.IOException;

/**
 * {@code mvn -q exec:java@dead-letters -Dexec.args="count|list [N]|replay [N]"}: counts, lists
 * (JSON lines on stdout, messages stay queued) or replays dead letters to their original queue.
 */
public final class DeadLetterMain {
  static final String USAGE = "usage: dead-letters count | list [N] | replay [N]   (N: at most this many; default all, list 100)";

  private DeadLetterMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || args.length > 2) {
      System.err.println(USAGE);
      return 2;
    }
    int limit;
    try {
      limit = args.length == 2 ? Integer.parseInt(args[1]) : (args[0].equals("list") ? 100 : Integer.MAX_VALUE);
      if (limit < 1) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      System.err.println("dead-letters: N must be a positive whole number, got \"" + args[1] + "\"\n" + USAGE);
      return 2;
    }
    try (DeadLetterQueue queue = new DeadLetterQueue(Settings.load().rabbit())) {
      switch (args[0]) {
        case "count" -> System.out.println(queue.count());
        case "list" -> queue.peek(limit).forEach(letter -> System.out.println(letter.toJson()));
        case "replay" -> System.err.println("dead-letters: replayed " + queue.replay(limit) + " message(s)");
        default -> {
          System.err.println("dead-letters: unknown command \"" + args[0] + "\"\n" + USAGE);
          return 2;
        }
      }
      return 0;
    } catch (Broker.BrokerUnavailableException | InvalidSettingsException e) {
      System.err.println("dead-letters: " + e.getMessage());
      return 2;
    } catch (DeadLetterQueue.ReplayStoppedException e) {
      System.err.println("dead-letters: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("dead-letters: RabbitMQ failed: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
