package casino.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tumbling windows of event time over the last hour (SPEC 7, {@code /materialized/windows}),
 * summed from the figures' per-second columns: aligned to multiples of their size in epoch
 * time, oldest first, the current (partial) window last, empty windows included with zeros.
 */
public final class Windows {
  /** The sizes offered, by the name a query gives, in seconds; smallest first. */
  public static final Map<String, Integer> SIZES;

  static {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("1s", 1);
    sizes.put("10s", 10);
    sizes.put("1m", 60);
    sizes.put("5m", 300);
    SIZES = Collections.unmodifiableMap(sizes);
  }

  private Windows() {}

  /** One window: events dated in [start, start + size), of them bets and won bets, and deposits in EUR cents. */
  public record Window(Instant start, long events, long bets, long wins, long depositCents) {}

  /** How many windows of {@code sizeSeconds} an hour holds: the most a query may ask for. */
  public static int perHour(int sizeSeconds) {
    return ViewState.MAX_WINDOW_SECONDS / sizeSeconds;
  }

  /** The last {@code count} windows of {@code sizeSeconds}, up to the one that holds {@code now}; oldest first. */
  public static List<Window> of(Figures figures, int sizeSeconds, int count, Instant now) {
    if (!SIZES.containsValue(sizeSeconds) || count < 1 || count > perHour(sizeSeconds)) {
      throw new IllegalArgumentException("windows of " + sizeSeconds + " s, " + count + " of them: sizes are "
          + SIZES.values() + " s, at most an hour of them");
    }
    long current = Math.floorDiv(now.getEpochSecond(), sizeSeconds) * sizeSeconds;
    List<Window> windows = new ArrayList<>(count);
    for (long start = current - (long) (count - 1) * sizeSeconds; start <= current; start += sizeSeconds) {
      windows.add(window(figures, start, sizeSeconds));
    }
    return windows;
  }

  private static Window window(Figures figures, long start, int sizeSeconds) {
    long first = figures.firstSecond();
    long from = Math.max(start, first);
    long to = Math.min(start + sizeSeconds, first + figures.eventsPerSecond().length);
    long events = 0;
    long bets = 0;
    long wins = 0;
    long depositCents = 0;
    for (long second = from; second < to; second++) {
      int i = (int) (second - first);
      events += figures.eventsPerSecond()[i];
      bets += figures.betsPerSecond()[i];
      wins += figures.winsPerSecond()[i];
      depositCents = ViewState.saturatedSum(depositCents, figures.depositCentsPerSecond()[i]);
    }
    return new Window(Instant.ofEpochSecond(start), events, bets, wins, depositCents);
  }
}
