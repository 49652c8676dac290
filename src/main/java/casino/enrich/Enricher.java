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

  /**
   * The outcome for one event: exactly one of {@code enriched} and {@code failure} is set. A
   * {@code permanent} failure is not retried: the event can never be enriched.
   */
  public record Result(EnrichedEvent enriched, String failure, boolean permanent) {
    static Result of(EnrichedEvent enriched) {
      return new Result(enriched, null, false);
    }

    static Result transientFailure(String failure) {
      return new Result(null, failure, false);
    }
  }

  private final QuoteSource quotes;
  private final PlayerDirectory players;
  private final Duration quoteTtl;
  private final Clock clock;
  private final UnknownPlayers unknown;

  /** {@code quoteTtl}: quotes are used for conversion no later than this after their fetch (SPEC 4.1). */
  public Enricher(QuoteSource quotes, PlayerDirectory players, Duration quoteTtl, Clock clock) {
    this.quotes = quotes;
    this.players = players;
    this.quoteTtl = quoteTtl;
    this.clock = clock;
    this.unknown = new UnknownPlayers(clock, UNKNOWN_PLAYER_WARNING_EVERY, 100_000);
  }

  /** One result per event, in the same order; a failure is per event, never for the batch. */
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
        if (result.enriched() != null || result.permanent()) {
          results.put(event.id(), result);
        } else if (!retryAt.isBefore(deadline)) {
          results.put(event.id(), Result.transientFailure("not enriched within the timeout: " + result.failure()));
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
      Instant now = clock.instant();
      for (CasinoEvent event : pending) {
        Result result;
        try {
          result = enrichOne(event, q, p, now);
        } catch (RuntimeException e) {
          // A defect met by one event's values fails that event, not the batch.
          log.error("enrichment of event {} failed", event.id(), e);
          result = new Result(null, "enrichment failed: " + Failures.message(e), true);
        }
        results.put(event.id(), result);
        if (result.enriched() != null && result.enriched().player() == null) {
          unknownPlayers.computeIfAbsent(event.playerId(), id -> new ArrayList<>()).add(event.id());
        }
      }
      unknownPlayers.forEach((player, eventIds) -> unknown.seen(player, eventIds, worker));
      return results;
    });
  }

  private Result enrichOne(CasinoEvent event, Outcome<Quotes> rates, Outcome<Map<Long, Player>> players, Instant now) {
    if (players.failure() != null) {
      return Result.transientFailure(players.failure());
    }
    Long amountEur = null;
    if (event.money() != null) {
      if (!needsRate(event)) {
        amountEur = event.money().minorUnits();
      } else if (rates.failure() != null) {
        return Result.transientFailure(rates.failure());
      } else if (!rates.value().freshAt(now, quoteTtl)) {
        // Checked where the amount is converted: the quotes may have been handed out before a slow query.
        return Result.transientFailure("quotes fetched at " + rates.value().fetchedAt() + " are older than " + quoteTtl);
      } else {
        try {
          amountEur = AmountConverter.toEurCents(event.money(), rates.value());
        } catch (ArithmeticException e) {
          return new Result(null, "amount " + event.money().minorUnits() + " " + event.money().currency()
              + " has no EUR value in range at quote " + rates.value().perEur(event.money().currency()), true);
        }
      }
    }
    Player player = players.value().get(event.playerId());
    return Result.of(new EnrichedEvent(event, amountEur, player, Describer.describe(event, amountEur, player)));
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
