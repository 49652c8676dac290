package casino.view;

import casino.cluster.CborSerializable;
import casino.domain.CasinoEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The materialized views of SPEC 7, as plain state: each event id counted once; per-second
 * events, bets, wins and deposits of the last hour in a ring ({@link SecondBuckets}, bounded
 * whatever the run length); per-player tallies and
 * the top players kept up to date as events arrive. Every operation is total: no value an
 * accepted event can hold makes it throw.
 */
public final class ViewState {
  public static final int MAX_WINDOW_SECONDS = 3600;
  /** Events dated this far ahead of our clock are taken as dated when they are; later ones as now. */
  static final long FUTURE_SKEW_SECONDS = 5;

  private final Duration horizon;
  private final long maxRememberedIds;
  private RecentIds seen;
  private SecondBuckets buckets = new SecondBuckets();
  private final Map<Long, Tally> tallies = new HashMap<>();
  private long eventsTotal;
  private Long earliestMillis;
  private Top topBets;
  private Top topWins;
  private Top topDeposits;

  public ViewState(Duration dedupeHorizon, long maxRememberedIds) {
    this.horizon = dedupeHorizon;
    this.maxRememberedIds = maxRememberedIds;
    this.seen = new RecentIds(dedupeHorizon, maxRememberedIds);
  }

  /** Counts the event unless its id was already counted; true when it was counted now. */
  public boolean record(CasinoEvent event, Long amountEurCents, Instant now) {
    return record(event.id(), event.playerId(), Entries.kind(event), amountEurCents == null ? 0 : amountEurCents,
        event.createdAt().toEpochMilli(), now);
  }

  /** True when the id was counted within the horizon (a query: it remembers nothing). */
  public boolean counted(long id) {
    return seen.contains(id);
  }

  /** The counted ids, for readers on other threads. */
  CountedIds countedIds() {
    return seen;
  }

  /** Counts each entry not counted yet; returns the indexes of those counted now. */
  int[] record(Entries entries, Instant now) {
    int[] counted = new int[entries.size()];
    int n = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (record(entries.ids()[i], entries.playerIds()[i], entries.kinds()[i], entries.amountsEur()[i],
          entries.createdAtMillis()[i], now)) {
        counted[n++] = i;
      }
    }
    return java.util.Arrays.copyOf(counted, n);
  }

  private boolean record(long id, long playerId, byte kind, long amountEurCents, long createdAtMillis, Instant now) {
    if (!seen.add(id, now)) {
      return false;
    }
    eventsTotal++;
    if (earliestMillis == null || createdAtMillis < earliestMillis) {
      earliestMillis = createdAtMillis;
    }
    long nowSecond = now.getEpochSecond();
    long second = Math.floorDiv(createdAtMillis, 1000L);
    if (second > nowSecond + FUTURE_SKEW_SECONDS) {
      second = nowSecond;
    }
    if (second > nowSecond - MAX_WINDOW_SECONDS) {
      buckets.add(second, kind, amountEurCents);
    }
    Tally tally = tallies.computeIfAbsent(playerId, p -> new Tally());
    if (kind == Entries.BET || kind == Entries.WON_BET) {
      tally.bets++;
      topBets = Top.better(topBets, playerId, tally.bets);
      if (kind == Entries.WON_BET) {
        tally.wins++;
        topWins = Top.better(topWins, playerId, tally.wins);
      }
    } else if (kind == Entries.DEPOSIT) {
      // Saturates rather than wraps: a sum past 92 quadrillion cents stays the largest there is.
      tally.depositCents = saturatedSum(tally.depositCents, Math.max(0, amountEurCents));
      topDeposits = Top.better(topDeposits, playerId, tally.depositCents);
    }
    return true;
  }

  public Snapshot snapshot(int windowSeconds, Instant now) {
    return figures(now).snapshot(windowSeconds, now);
  }

  /** An immutable copy of the figures for the read copies of every node. */
  public Figures figures(Instant now) {
    long nowSecond = now.getEpochSecond();
    long first = nowSecond - MAX_WINDOW_SECONDS + 1;
    SecondBuckets.Columns perSecond = buckets.between(first, (int) (MAX_WINDOW_SECONDS + FUTURE_SKEW_SECONDS));
    return new Figures(now.toEpochMilli(), eventsTotal, earliestMillis, first, perSecond.events(), topBets, topWins,
        topDeposits, seen.size(), perSecond.bets(), perSecond.wins(), perSecond.depositCents());
  }

  static long saturatedSum(long a, long b) {
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

  /** The whole state as a snapshot keeps it. */
  Stored store() {
    List<Long> players = new ArrayList<>(tallies.keySet());
    long[] ids = new long[players.size()];
    long[] bets = new long[ids.length];
    long[] wins = new long[ids.length];
    long[] deposits = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      Tally t = tallies.get(players.get(i));
      ids[i] = players.get(i);
      bets[i] = t.bets;
      wins[i] = t.wins;
      deposits[i] = t.depositCents;
    }
    SecondBuckets.Columns slots = buckets.slots();
    return new Stored(eventsTotal, earliestMillis, buckets.slotSeconds(), slots.events(), ids, bets, wins, deposits,
        topBets, topWins, topDeposits, seen.export(), seen.generationsDroppedEarly(), slots.bets(), slots.wins(),
        slots.depositCents());
  }

  static ViewState restore(Duration horizon, long maxRememberedIds, Stored stored) {
    ViewState state = new ViewState(horizon, maxRememberedIds);
    state.eventsTotal = stored.eventsTotal();
    state.earliestMillis = stored.earliestMillis();
    state.buckets = SecondBuckets.restore(stored.bucketSecond(), new SecondBuckets.Columns(stored.bucketCount(),
        stored.bucketBets(), stored.bucketWins(), stored.bucketDeposits()));
    for (int i = 0; i < stored.players().length; i++) {
      Tally t = new Tally();
      t.bets = stored.bets()[i];
      t.wins = stored.wins()[i];
      t.depositCents = stored.deposits()[i];
      state.tallies.put(stored.players()[i], t);
    }
    state.topBets = stored.topBets();
    state.topWins = stored.topWins();
    state.topDeposits = stored.topDeposits();
    state.seen = RecentIds.restore(horizon, maxRememberedIds, stored.generations(), stored.droppedEarly());
    return state;
  }

  /**
   * The persisted form of the state (see ViewJournal). The per-second bets, wins and deposits
   * ({@code bucketBets}, {@code bucketWins}, {@code bucketDeposits}, slot by slot as
   * {@code bucketCount}) came later: in a snapshot taken before, they are absent and read as 0.
   */
  public record Stored(long eventsTotal, Long earliestMillis, long[] bucketSecond, long[] bucketCount, long[] players,
      long[] bets, long[] wins, long[] deposits, Top topBets, Top topWins, Top topDeposits,
      List<RecentIds.Stored> generations, long droppedEarly, long[] bucketBets, long[] bucketWins,
      long[] bucketDeposits) implements CborSerializable {}

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
