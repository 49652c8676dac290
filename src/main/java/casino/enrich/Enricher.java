package casino.enrich;

import static net.logstash.logback.argument.StructuredArguments.kv;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.players.PlayerDirectory;
import casino.quotes.QuoteSource;
import casino.quotes.Quotes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an event into its final form: amount in EUR, player, description. Transient faults
 * (rates, Redis, database) are retried with backoff until the deadline; then it fails with the
 * last reason.
 */
public final class Enricher {
  private static final Logger log = LoggerFactory.getLogger(Enricher.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final QuoteSource quotes;
  private final PlayerDirectory players;
  private final Clock clock;

  public Enricher(QuoteSource quotes, PlayerDirectory players, Clock clock) {
    this.quotes = quotes;
    this.players = players;
    this.clock = clock;
  }

  public CompletionStage<EnrichedEvent> enrich(CasinoEvent event, Instant deadline, String worker) {
    return attempt(event, deadline, worker, FIRST_BACKOFF);
  }

  private CompletionStage<EnrichedEvent> attempt(CasinoEvent event, Instant deadline, String worker, Duration backoff) {
    return once(event, deadline, worker).handle((enriched, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(enriched);
      }
      String reason = rootMessage(failure);
      Instant retryAt = clock.instant().plus(backoff);
      if (!retryAt.isBefore(deadline)) {
        return CompletableFuture.<EnrichedEvent>failedFuture(new EnrichmentFailedException(reason));
      }
      log.debug("enrichment failed, retrying in {} ms: {}", backoff.toMillis(), reason, kv("event_id", event.id()), kv("worker", worker));
      Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(ignored -> attempt(event, deadline, worker, next));
    }).thenCompose(stage -> stage);
  }

  private CompletionStage<EnrichedEvent> once(CasinoEvent event, Instant deadline, String worker) {
    boolean needsRate = event.money() != null && event.money().currency() != Currency.EUR;
    CompletionStage<Quotes> rates = needsRate ? quotes.quotes(deadline) : CompletableFuture.completedFuture(null);
    CompletionStage<Optional<Player>> player = players.find(event.playerId());
    return rates.thenCombine(player, (q, p) -> {
      Long amountEur = event.money() == null ? null
          : q == null ? event.money().minorUnits() : AmountConverter.toEurCents(event.money(), q);
      if (p.isEmpty()) {
        log.warn("unknown player {}", event.playerId(), kv("event_id", event.id()), kv("player_id", event.playerId()), kv("worker", worker));
      }
      Player known = p.orElse(null);
      return new EnrichedEvent(event, amountEur, known, Describer.describe(event, amountEur, known));
    });
  }

  static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t.getCause() != null) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Enrichment did not succeed within the timeout; the event goes to the dead-letter queue. */
  public static final class EnrichmentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EnrichmentFailedException(String lastReason) {
      super("not enriched within the timeout: " + lastReason);
    }
  }
}
