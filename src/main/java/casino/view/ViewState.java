package casino.view;

import casino.domain.CasinoEvent;
import casino.domain.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The materialized views of SPEC 7, as plain state: each event id counted once; per-second
 * buckets of the last hour in a ring (bounded whatever the run length); per-player tallies and
 * the top players kept up to date as events arrive, so a query scans at most the window.
 */
public final class ViewState {
  public static final int MAX_WINDOW_SECONDS = 3600;
  /** Events dated this far ahead of our clock are taken as dated when they are; later ones as now. */
  static final long FUTURE_SKEW_SECONDS = 5;
  private static final int RING = 4096; // > MAX_WINDOW_SECONDS + FUTURE_SKEW_SECONDS

  private final RecentIds seen;
  private final long[] bucketSecond = new long[RING];
  private final long[] bucketCount = new long[RING];
  private final Map<Long, Tally> tallies = new HashMap<>();
  private long eventsTotal;
  private Instant earliest;
  private Top topBets;
  private Top topWins;
  private Top topDeposits;

  public ViewState(Duration dedupeHorizon, long maxRememberedIds) {
    this.seen = new RecentIds(dedupeHorizon, maxRememberedIds);
  }

  /** Counts the event unless its id was already counted; true when it was counted now. */
  public boolean record(CasinoEvent event, Long amountEurCents, Instant now) {
    if (!seen.add(event.id(), now)) {
      return false;
    }
    eventsTotal++;
    Instant createdAt = event.createdAt();
    if (earliest == null || createdAt.isBefore(earliest)) {
      earliest = createdAt;
    }
    long nowSecond = now.getEpochSecond();
    long second = createdAt.getEpochSecond();
    if (second > nowSecond + FUTURE_SKEW_SECONDS) {
      second = nowSecond;
    }
    if (second > nowSecond - MAX_WINDOW_SECONDS) {
      int slot = (int) Math.floorMod(second, (long) RING);
      if (bucketSecond[slot] != second) {
        bucketSecond[slot] = second;
        bucketCount[slot] = 0;
      }
      bucketCount[slot]++;
    }
    Tally tally = tallies.computeIfAbsent(event.playerId(), id -> new Tally());
    if (event.type() == EventType.BET) {
      tally.bets++;
      topBets = Top.better(topBets, event.playerId(), tally.bets);
      if (event.hasWon()) {
        tally.wins++;
        topWins = Top.better(topWins, event.playerId(), tally.wins);
      }
    } else if (event.type() == EventType.DEPOSIT) {
      // Saturates rather than wraps: a sum past 92 quadrillion cents stays the largest there is.
      tally.depositCents = saturatedSum(tally.depositCents, amountEurCents == null ? 0 : amountEurCents);
      topDeposits = Top.better(topDeposits, event.playerId(), tally.depositCents);
    }
    return true;
  }

  public Snapshot snapshot(int windowSeconds, Instant now) {
    if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
      throw new IllegalArgumentException("window must be 1-" + MAX_WINDOW_SECONDS + " seconds: " + windowSeconds);
    }
    long nowSecond = now.getEpochSecond();
    long inWindow = 0;
    for (long second = nowSecond - windowSeconds + 1; second <= nowSecond; second++) {
      int slot = (int) Math.floorMod(second, (long) RING);
      if (bucketSecond[slot] == second) {
        inWindow += bucketCount[slot];
      }
    }
    // In seconds, not milliseconds: no pair of instants overflows it.
    double minutes = earliest == null ? 1 : Math.max(1.0, Duration.between(earliest, now).getSeconds() / 60.0);
    return new Snapshot(eventsTotal, eventsTotal / minutes, (double) inWindow / windowSeconds, topBets, topWins, topDeposits);
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  public long rememberedIds() {
    return seen.size();
  }

  /** How often ids younger than the horizon had to be forgotten to stay within the cap. */
  public long generationsForgottenEarly() {
    return seen.generationsDroppedEarly();
  }

  private static final class Tally {
    long bets;
    long wins;
    long depositCents;
  }

  /** A leading player; ties go to the lowest id. Counts only grow, so comparing with the leader suffices. */
  public record Top(long id, long count) {
    static Top better(Top leader, long playerId, long count) {
      boolean leads = leader == null || count > leader.count || (count == leader.count && playerId <= leader.id);
      return leads ? new Top(playerId, count) : leader;
    }
  }

  public record Snapshot(long eventsTotal, double eventsPerMinute, double eventsPerSecondMovingAverage,
      Top topPlayerBets, Top topPlayerWins, Top topPlayerDeposits) {}
}
