package casino.quotes;

import casino.cluster.CborSerializable;
import casino.concurrent.Failures;
import casino.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The one place of a cluster that gets exchange rates (run as a cluster singleton). Askers are
 * answered from memory while quotes are fresh; otherwise they wait, without polling, and are
 * answered the moment quotes land. A refresh first looks in Redis (another processor may have
 * fetched), then takes the Redis lock and calls the API. Quotes are refreshed ahead of expiry,
 * so steady load never waits, and the API is called about once per TTL for the deployment.
 */
public final class QuoteCache extends AbstractBehavior<QuoteCache.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Asks for usable quotes; answered by {@code deadline} at the latest. */
  public record GetQuotes(ActorRef<Reply> replyTo, Instant deadline) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Fresh(Quotes quotes) implements Reply {}

  public record Unavailable(String reason) implements Reply {}

  private sealed interface Internal extends Command {}

  private record Refreshed(Quotes quotes, boolean fetched) implements Internal {}

  private record RefreshFailed(String reason) implements Internal {}

  private record LockBusy() implements Internal {}

  private enum RefreshNow implements Internal { INSTANCE }

  private enum ExpireWaiters implements Internal { INSTANCE }

  private static final Duration WAITER_CHECK = Duration.ofMillis(100);

  private final Settings.Rates settings;
  private final RatesClient api;
  private final QuoteStore store;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  private final List<GetQuotes> waiting = new ArrayList<>();
  private Quotes current;
  private boolean refreshing;
  private int consecutiveFailures;
  private String lastError = "quotes not fetched yet";

  public static Behavior<Command> create(Settings.Rates settings, RatesClient api, QuoteStore store, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new QuoteCache(context, settings, api, store, clock, timers)));
  }

  private QuoteCache(ActorContext<Command> context, Settings.Rates settings, RatesClient api, QuoteStore store,
      Clock clock, TimerScheduler<Command> timers) {
    super(context);
    this.settings = settings;
    this.api = api;
    this.store = store;
    this.clock = clock;
    this.timers = timers;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetQuotes.class, this::onGet)
        .onMessage(Refreshed.class, this::onRefreshed)
        .onMessage(RefreshFailed.class, this::onRefreshFailed)
        .onMessage(LockBusy.class, busy -> onLockBusy())
        .onMessageEquals(RefreshNow.INSTANCE, this::refreshIfNeeded)
        .onMessageEquals(ExpireWaiters.INSTANCE, this::expireWaiters)
        .build();
  }

  private Behavior<Command> onGet(GetQuotes get) {
    Instant now = clock.instant();
    if (current != null && current.freshAt(now, settings.ttl())) {
      get.replyTo().tell(new Fresh(current));
      if (dueForRefresh(current, now)) {
        startRefresh();
      }
      return this;
    }
    waiting.add(get);
    if (!timers.isTimerActive(ExpireWaiters.INSTANCE)) {
      timers.startTimerWithFixedDelay(ExpireWaiters.INSTANCE, WAITER_CHECK);
    }
    if (!timers.isTimerActive(RefreshNow.INSTANCE)) {
      startRefresh();
    }
    return this;
  }

  private boolean dueForRefresh(Quotes quotes, Instant now) {
    return !quotes.freshAt(now, settings.refreshAfter());
  }

  private Behavior<Command> refreshIfNeeded() {
    if (!waiting.isEmpty() || (current != null && dueForRefresh(current, clock.instant()))) {
      startRefresh();
    }
    return this;
  }

  private void startRefresh() {
    if (refreshing) {
      return;
    }
    refreshing = true;
    // Every step has a deadline of its own; this one makes sure a refresh never stays under
    // way for good, whichever step forgets its own: then no refresh would ever start again.
    Duration deadline = settings.requestTimeout().plus(settings.lockTtl());
    getContext().pipeToSelf(refresh().toCompletableFuture().orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS),
        (result, failure) -> failure == null ? result
            : new RefreshFailed(failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException
                ? "refresh did not finish within " + deadline : "Redis: " + Failures.rootMessage(failure)));
  }

  /** Redis copy if another processor fetched recently; else the API under the lock. */
  private CompletionStage<Internal> refresh() {
    return store.read().thenCompose(cached -> {
      Instant now = clock.instant();
      Optional<Quotes> usable = cached.filter(q -> q.freshAt(now, settings.ttl()));
      if (usable.isPresent() && !dueForRefresh(usable.get(), now)) {
        return CompletableFuture.completedFuture(new Refreshed(usable.get(), false));
      }
      String token = UUID.randomUUID().toString();
      return store.tryLock(token, settings.lockTtl()).thenCompose(locked -> {
        if (!locked) {
          Internal busy = usable.<Internal>map(q -> new Refreshed(q, false)).orElse(new LockBusy());
          return CompletableFuture.completedFuture(busy);
        }
        // Under the lock, look again: another processor may have fetched between our read and our lock.
        return store.read()
            .thenCompose(again -> {
              Optional<Quotes> fresh = again.filter(q -> !dueForRefresh(q, clock.instant()));
              if (fresh.isPresent()) {
                return CompletableFuture.completedFuture((Internal) new Refreshed(fresh.get(), false));
              }
              return api.fetch().thenCompose(quotes -> store.write(quotes, settings.ttl())
                  .thenApply(stored -> (Internal) new Refreshed(quotes, true)));
            })
            .exceptionally(failure -> new RefreshFailed(Failures.rootMessage(failure)))
            .thenCompose(result -> store.unlock(token).handle((released, e) -> result));
      });
    });
  }

  private Behavior<Command> onRefreshed(Refreshed refreshed) {
    refreshing = false;
    consecutiveFailures = 0;
    if (current == null || refreshed.quotes().fetchedAt().isAfter(current.fetchedAt())) {
      current = refreshed.quotes();
    }
    if (refreshed.fetched()) {
      getContext().getLog().info("fetched exchange rates from the API");
    }
    Instant now = clock.instant();
    if (current.freshAt(now, settings.ttl())) {
      waiting.forEach(w -> w.replyTo().tell(new Fresh(current)));
      waiting.clear();
      timers.cancel(ExpireWaiters.INSTANCE);
    }
    if (dueForRefresh(current, now)) {
      // Still old: someone else holds the lock and is fetching. Look again shortly.
      timers.startSingleTimer(RefreshNow.INSTANCE, Duration.ofMillis(200));
    }
    return this;
  }

  private Behavior<Command> onLockBusy() {
    refreshing = false;
    // Another processor is fetching; its quotes will be in Redis within the lock's lifetime.
    timers.startSingleTimer(RefreshNow.INSTANCE, Duration.ofMillis(100));
    return this;
  }

  private Behavior<Command> onRefreshFailed(RefreshFailed failed) {
    refreshing = false;
    lastError = failed.reason();
    consecutiveFailures++;
    Duration backoff = Duration.ofMillis(Math.min(5_000, 100L << Math.min(consecutiveFailures, 6)));
    getContext().getLog().warn("exchange rates unavailable (attempt {}, next in {} ms): {}",
        consecutiveFailures, backoff.toMillis(), failed.reason());
    timers.startSingleTimer(RefreshNow.INSTANCE, backoff);
    return this;
  }

  private Behavior<Command> expireWaiters() {
    Instant now = clock.instant();
    waiting.removeIf(w -> {
      if (!now.isBefore(w.deadline())) {
        w.replyTo().tell(new Unavailable(lastError));
        return true;
      }
      return false;
    });
    if (waiting.isEmpty()) {
      timers.cancel(ExpireWaiters.INSTANCE);
    }
    return this;
  }

}
