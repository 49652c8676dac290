package casino.view;

import casino.concurrent.Asks;
import casino.concurrent.Failures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A node's read copy of the cluster-wide view: refreshed from the {@link ViewKeeper} every
 * {@code every}, so that queries are answered locally and fast, a moment behind the keeper.
 */
public final class ViewActor extends AbstractBehavior<ViewActor.Command> {

  public sealed interface Command {}

  public record Query(int windowSeconds, ActorRef<ViewState.Snapshot> replyTo) implements Command {}

  /** The last {@code count} tumbling windows of {@code sizeSeconds} ({@link Windows}), oldest first. */
  public record WindowsQuery(int sizeSeconds, int count, ActorRef<List<Windows.Window>> replyTo) implements Command {}

  /** The copy as it is, for metrics and the lag behind the keeper. */
  public record Current(ActorRef<Figures> replyTo) implements Command {}

  private enum Refresh implements Command { INSTANCE }

  private record Refreshed(Figures figures) implements Command {}

  private record RefreshFailed(String reason) implements Command {}

  private final ActorRef<ViewKeeper.Command> keeper;
  private final Duration every;
  private final Clock clock;
  private final AtomicReference<Figures> published;
  private Figures figures = Figures.EMPTY;
  private boolean asking;

  public static Behavior<Command> create(ActorRef<ViewKeeper.Command> keeper, Duration every, Clock clock) {
    return create(keeper, every, clock, new AtomicReference<>(Figures.EMPTY));
  }

  /** {@code published}: where the actor puts each copy it gets, for readers outside actors (readiness, metrics). */
  public static Behavior<Command> create(ActorRef<ViewKeeper.Command> keeper, Duration every, Clock clock,
      AtomicReference<Figures> published) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new ViewActor(context, timers, keeper, every, clock, published)));
  }

  private ViewActor(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<ViewKeeper.Command> keeper,
      Duration every, Clock clock, AtomicReference<Figures> published) {
    super(context);
    this.keeper = keeper;
    this.every = every;
    this.clock = clock;
    this.published = published;
    timers.startTimerWithFixedDelay(Refresh.INSTANCE, Duration.ZERO, every);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Query.class, q -> answer(() -> q.replyTo().tell(figures.snapshot(q.windowSeconds(), clock.instant()))))
        .onMessage(WindowsQuery.class, q -> answer(() ->
            q.replyTo().tell(Windows.of(figures, q.sizeSeconds(), q.count(), clock.instant()))))
        .onMessage(Current.class, c -> {
          c.replyTo().tell(figures);
          return this;
        })
        .onMessageEquals(Refresh.INSTANCE, this::refresh)
        .onMessage(Refreshed.class, r -> {
          asking = false;
          figures = r.figures();
          published.set(figures);
          return this;
        })
        .onMessage(RefreshFailed.class, f -> {
          asking = false;
          getContext().getLog().debug("view copy not refreshed: {}", f.reason());
          return this;
        })
        .build();
  }

  private Behavior<Command> refresh() {
    if (!asking) {
      asking = true;
      // Not getContext().ask: it runs its callback on the common pool (see Asks).
      ActorRef<Command> self = getContext().getSelf();
      Asks.<ViewKeeper.Command, Figures>ask(keeper, ViewKeeper.GetFigures::new, every.multipliedBy(4),
              getContext().getSystem().scheduler())
          .whenComplete((answer, failure) -> self.tell(failure == null ? new Refreshed(answer)
              : new RefreshFailed(Failures.message(failure))));
    }
    return this;
  }

  private Behavior<Command> answer(Runnable query) {
    try {
      query.run();
    } catch (IllegalArgumentException e) {
      // A query the routes should not have let through: its asker times out, the copy lives on.
      getContext().getLog().error("view query refused: {}", e.getMessage());
    }
    return this;
  }
}
