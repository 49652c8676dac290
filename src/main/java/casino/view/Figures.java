package casino.view;

import casino.cluster.CborSerializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The view's figures as the keeper had them at {@code asOfMillis}: what every node keeps as its
 * read copy and answers queries from. The per-second columns (events, bets, won bets, deposits
 * in EUR cents), one value a second from {@code firstSecond}, cover the last hour up to a few
 * seconds ahead of {@code asOfMillis}, so a copy a moment old still answers the current window.
 * The columns after {@code eventsPerSecond} came later: from a keeper that does not send them
 * (a rolling upgrade) they read as 0.
 */
public record Figures(long asOfMillis, long eventsTotal, Long earliestMillis, long firstSecond, long[] eventsPerSecond,
    ViewState.Top topPlayerBets, ViewState.Top topPlayerWins, ViewState.Top topPlayerDeposits, long rememberedIds,
    long[] betsPerSecond, long[] winsPerSecond, long[] depositCentsPerSecond) implements CborSerializable {

  public static final Figures EMPTY = new Figures(0, 0, null, 0, new long[0], null, null, null, 0, null, null, null);

  public Figures {
    betsPerSecond = betsPerSecond != null ? betsPerSecond : new long[eventsPerSecond.length];
    winsPerSecond = winsPerSecond != null ? winsPerSecond : new long[eventsPerSecond.length];
    depositCentsPerSecond = depositCentsPerSecond != null ? depositCentsPerSecond : new long[eventsPerSecond.length];
  }

  public ViewState.Snapshot snapshot(int windowSeconds, Instant now) {
    if (windowSeconds < 1 || windowSeconds > ViewState.MAX_WINDOW_SECONDS) {
      throw new IllegalArgumentException("window must be 1-" + ViewState.MAX_WINDOW_SECONDS + " seconds: " + windowSeconds);
    }
    long nowSecond = now.getEpochSecond();
    long inWindow = 0;
    for (long second = Math.max(firstSecond, nowSecond - windowSeconds + 1);
        second <= nowSecond && second - firstSecond < eventsPerSecond.length; second++) {
      inWindow += eventsPerSecond[(int) (second - firstSecond)];
    }
    // In seconds, not milliseconds: no pair of instants overflows it.
    double minutes = earliestMillis == null ? 1
        : Math.max(1.0, Duration.between(Instant.ofEpochMilli(earliestMillis), now).getSeconds() / 60.0);
    return new ViewState.Snapshot(eventsTotal, eventsTotal / minutes, (double) inWindow / windowSeconds,
        topPlayerBets, topPlayerWins, topPlayerDeposits);
  }

  /** How old this copy is at {@code now}. */
  public Duration age(Instant now) {
    return Duration.ofMillis(Math.max(0, now.toEpochMilli() - asOfMillis));
  }
}
