package casino.publish;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line options of the publisher. {@code ratePerSecond} empty means as fast as the
 * broker confirms; without count or duration the publisher runs until it is stopped.
 */
public record PublisherOptions(OptionalLong ratePerSecond, OptionalLong count, Duration duration) {
  public static final String USAGE =
      "usage: publisher [--rate N|max] [--count N] [--duration 30s|5m|1h|500ms]\n"
          + "  --rate      events per second (default 100), or max\n"
          + "  --count     stop after this many events\n"
          + "  --duration  stop after this long\n"
          + "  without --count or --duration it runs until SIGINT/SIGTERM";

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  public static PublisherOptions parse(String... args) {
    OptionalLong rate = OptionalLong.of(100);
    OptionalLong count = OptionalLong.empty();
    Duration duration = null;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + name + "\n" + USAGE);
      }
      String value = args[++i];
      switch (name) {
        case "--rate" -> rate = value.equalsIgnoreCase("max")
            ? OptionalLong.empty()
            : OptionalLong.of(positive(name, value));
        case "--count" -> count = OptionalLong.of(positive(name, value));
        case "--duration" -> duration = duration(value);
        default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
      }
    }
    return new PublisherOptions(rate, count, duration);
  }

  private static long positive(String name, String value) {
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " needs a positive whole number, got \"" + value + "\"");
  }

  private static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(
          "--duration needs a positive duration such as 500ms, 30s, 5m or 1h, got \"" + value + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
