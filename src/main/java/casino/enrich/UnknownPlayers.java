package casino.enrich;

import static net.logstash.logback.argument.StructuredArguments.kv;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings about events of players the database does not know. A player's first such event
 * warns at once, with the id; after that one warning a player per {@code every}, telling how
 * many of their events went by since: at thousands of events a second, one line per batch
 * would drown the log. Memory is bounded: past {@code maxTracked} players the tallies start
 * afresh (at worst a few warnings come early).
 */
final class UnknownPlayers {
  private static final Logger log = LoggerFactory.getLogger(UnknownPlayers.class);

  private static final class Tally {
    long nextWarningAt = Long.MIN_VALUE;
    long eventsSinceWarning;
  }

  private final Clock clock;
  private final long everyMillis;
  private final int maxTracked;
  private final Map<Long, Tally> tallies = new ConcurrentHashMap<>();

  UnknownPlayers(Clock clock, Duration every, int maxTracked) {
    this.clock = clock;
    this.everyMillis = every.toMillis();
    this.maxTracked = maxTracked;
  }

  /** {@code eventIds}: this player's events of one batch. */
  void seen(long playerId, List<Long> eventIds, String worker) {
    if (tallies.size() >= maxTracked && !tallies.containsKey(playerId)) {
      tallies.clear();
    }
    Tally tally = tallies.computeIfAbsent(playerId, id -> new Tally());
    long now = clock.millis();
    long earlier;
    synchronized (tally) {
      if (now < tally.nextWarningAt) {
        tally.eventsSinceWarning += eventIds.size();
        return;
      }
      earlier = tally.eventsSinceWarning;
      tally.eventsSinceWarning = 0;
      tally.nextWarningAt = now + everyMillis;
    }
    String since = earlier == 0 ? "" : "; " + earlier + " more since the last warning";
    log.warn("unknown player {} ({} event(s){})", playerId, eventIds.size(), since, kv("player_id", playerId),
        kv("event_ids", eventIds), kv("events_since_last_warning", earlier), kv("worker", worker));
  }
}
