package casino.quotes;

import casino.concurrent.Asks;
import casino.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;

/**
 * The node-local face of the {@link QuoteCache} singleton. Keeps the last quotes it was given
 * and uses them while they are fresh and not due for refresh, so that steady load does not
 * send one message per event to the singleton (possibly on another node).
 */
public final class QuoteCacheClient implements QuoteSource {
  /**
   * The longest one ask waits. Asks sent to a singleton whose node was then SIGKILLed are lost;
   * with the whole enrichment timeout per ask, a cluster test's events waited 31 s for an answer
   * that could not come, while the singleton was back on another node after 18 s.
   */
  static final Duration ATTEMPT = Duration.ofSeconds(3);

  private final ActorRef<QuoteCache.Command> cache;
  private final Scheduler scheduler;
  private final Settings.Rates settings;
  private final Clock clock;
  private volatile Quotes latest;

  public QuoteCacheClient(ActorRef<QuoteCache.Command> cache, Scheduler scheduler, Settings.Rates settings, Clock clock) {
    this.cache = cache;
    this.scheduler = scheduler;
    this.settings = settings;
    this.clock = clock;
  }

  /** When the quotes this node converts with were fetched; empty before the first. */
  public Optional<Instant> fetchedAt() {
    Quotes known = latest;
    return known == null ? Optional.empty() : Optional.of(known.fetchedAt());
  }

  @Override
  public CompletionStage<Quotes> quotes(Instant deadline) {
    Instant now = clock.instant();
    Quotes known = latest;
    if (known != null && known.freshAt(now, settings.refreshAfter())) {
      return CompletableFuture.completedFuture(known);
    }
    // The cache answers by the attempt's deadline itself; the ask timeout only guards against a
    // lost ask (the singleton's node died with it), and the enricher asks again until its own
    // deadline: an ask lost in a crash costs seconds, not the whole enrichment timeout.
    Instant attemptEnd = now.plus(ATTEMPT);
    Instant attemptDeadline = deadline.isAfter(attemptEnd) ? attemptEnd : deadline;
    Duration timeout = Duration.between(now, attemptDeadline).plusSeconds(1);
    if (timeout.isNegative() || timeout.isZero()) {
      timeout = Duration.ofMillis(100);
    }
    return Asks.<QuoteCache.Command, QuoteCache.Reply>ask(cache, replyTo -> new QuoteCache.GetQuotes(replyTo, attemptDeadline),
            timeout, scheduler)
        .thenApply(reply -> {
          if (reply instanceof QuoteCache.Fresh fresh) {
            latest = fresh.quotes();
            return fresh.quotes();
          }
          throw new RatesUnavailableException(((QuoteCache.Unavailable) reply).reason());
        });
  }
}
