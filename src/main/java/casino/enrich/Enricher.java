package casino.enrich;

import static net.logstash.logback.argument.StructuredArguments.kv;

import casino.concurrent.Failures;
import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.players.PlayerDirectory;
import casino.quotes.QuoteSource;
import casino.quotes.Quotes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into their final form: amount in EUR, player, description. Events that arrive
 * together are enriched together: one player query and one quote lookup for all of them.
 * Transient faults (rates, Redis, database) are retried with backoff until the deadline, for
 * the events they affect only; then those fail with the last reason.
 */
public final class Enricher {
  private static final Logger log = LoggerFactory.getLogger(Enricher.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  private static final Duration UNKNOWN_PLAYER_WARNING_EVERY = Duration.ofMinutes(1);

  /** The outcome for one event: exactly one of {@code enriched} and {@code failure} is set. */
  public record Result(EnrichedEvent enriched, String failure) {}

  private final QuoteSource quotes;
  private final PlayerDirectory players;
  private final Clock clock;
  private final UnknownPlayers unknown;

  public Enricher(QuoteSource quotes, PlayerDirectory players, Clock clock) {
    this.quotes = quotes;
    this.players = players;
    this.clock = clock;
    this.unknown = new UnknownPlayers(clock, UNKNOWN_PLAYER_WARNING_EVERY, 100_000);
  }

  /** One result per event, in the same order. */
  public CompletionStage<List<Result>> enrich(List<CasinoEvent> events, Instant deadline, String worker) {
    Map<Long, Result> results = new HashMap<>();
    return attempt(events, deadline, worker, FIRST_BACKOFF, results)
        .thenApply(done -> events.stream().map(e -> results.get(e.id())).toList());
  }

  private CompletionStage<Void> attempt(List<CasinoEvent> pending, Instant deadline, String worker, Duration backoff,
      Map<Long, Result> results) {
    return once(pending, deadline, worker).thenCompose(failures -> {
      List<CasinoEvent> retry = new ArrayList<>();
      Instant retryAt = clock.instant().plus(backoff);
      for (CasinoEvent event : pending) {
        Result result = failures.get(event.id());
        if (result.enriched() != null || !retryAt.isBefore(deadline)) {
          results.put(event.id(), result.enriched() != null ? result
              : new Result(null, "not enriched within the timeout: " + result.failure()));
        } else {
          retry.add(event);
        }
      }
      if (retry.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      log.debug("enrichment of {} event(s) failed, retrying in {} ms: {}", retry.size(), backoff.toMillis(),
          failures.get(retry.get(0).id()).failure(), kv("worker", worker));
      Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> attempt(retry, deadline, worker, next, results));
    });
  }

  /** One try for every pending event; never fails, transient faults are per-event results. */
  private CompletionStage<Map<Long, Result>> once(List<CasinoEvent> pending, Instant deadline, String worker) {
    boolean needsRates = pending.stream().anyMatch(Enricher::needsRate);
    CompletionStage<Outcome<Quotes>> rates =
        Outcome.of(needsRates ? quotes.quotes(deadline) : CompletableFuture.completedFuture(null));
    Set<Long> ids = pending.stream().map(CasinoEvent::playerId).collect(Collectors.toSet());
    CompletionStage<Outcome<Map<Long, Player>>> known = Outcome.of(players.find(ids));
    return rates.thenCombine(known, (q, p) -> {
      Map<Long, Result> results = new HashMap<>();
      Map<Long, List<Long>> unknownPlayers = new HashMap<>();
      for (CasinoEvent event : pending) {
        Result result = enrichOne(event, q, p);
        results.put(event.id(), result);
        if (result.enriched() != null && result.enriched().player() == null) {
          unknownPlayers.computeIfAbsent(event.playerId(), id -> new ArrayList<>()).add(event.id());
        }
      }
      unknownPlayers.forEach((player, eventIds) -> unknown.seen(player, eventIds, worker));
      return results;
    });
  }

  private static Result enrichOne(CasinoEvent event, Outcome<Quotes> rates, Outcome<Map<Long, Player>> players) {
    if (players.failure() != null) {
      return new Result(null, players.failure());
    }
    if (needsRate(event) && rates.failure() != null) {
      return new Result(null, rates.failure());
    }
    Long amountEur = event.money() == null ? null
        : needsRate(event) ? AmountConverter.toEurCents(event.money(), rates.value()) : event.money().minorUnits();
    Player player = players.value().get(event.playerId());
    return new Result(new EnrichedEvent(event, amountEur, player, Describer.describe(event, amountEur, player)), null);
  }

  private static boolean needsRate(CasinoEvent event) {
    return event.money() != null && event.money().currency() != Currency.EUR;
  }

  /** A lookup's value, or why it failed: a failed lookup fails only the events that need it. */
  private record Outcome<T>(T value, String failure) {
    static <T> CompletionStage<Outcome<T>> of(CompletionStage<T> lookup) {
      return lookup.handle((value, failure) -> failure == null
          ? new Outcome<>(value, null)
          : new Outcome<>(null, Failures.message(failure)));
    }
  }

}
