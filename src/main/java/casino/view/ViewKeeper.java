package casino.view;

import casino.cluster.CborSerializable;
import casino.config.Settings;
import casino.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The cluster-wide view's keeper (a cluster singleton): every node asks it which ids are not
 * counted yet (answered at once, from the journal's state) and has its batches counted. Count requests that arrive while a journal write is
 * under way wait and go together into the next one, so one database commit covers many batches
 * under load. The {@link ViewJournal} child holds the state.
 */
public final class ViewKeeper extends AbstractBehavior<ViewKeeper.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Counts the entries not counted yet; answered once they are in the journal. */
  public record Count(Entries entries, ActorRef<Counted> replyTo) implements Command {}

  public record Counted(int newlyCounted) implements CborSerializable {}

  /** Which of {@code ids} are not counted (a processor writes only their lines). */
  public record Unseen(long[] ids, ActorRef<UnseenIds> replyTo) implements Command {}

  public record UnseenIds(long[] ids) implements CborSerializable {}

  public record GetFigures(ActorRef<Figures> replyTo) implements Command {}

  enum WriteDone implements Command { INSTANCE }

  /** From the journal, once recovered: the counted ids, read here while writes are in flight. Local only. */
  record Recovered(CountedIds ids) implements Command {}

  private enum WriteTimedOut implements Command { INSTANCE }

  /** A write's answer that does not come (its journal failed and restarts): its askers retry. */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  private final ActorRef<ViewJournal.Command> journal;
  private final TimerScheduler<Command> timers;
  private final Metrics metrics;
  private List<Count> waiting = new ArrayList<>();
  private boolean writing;
  private long writeStartedNanos;
  /** Null until the journal has recovered; meanwhile the journal answers (once recovered). */
  private CountedIds counted;

  public static Behavior<Command> create(Settings.View settings, Clock clock, Metrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ViewKeeper(context, timers,
        new ViewJournal(settings, clock, context.getSelf()), metrics)));
  }

  private ViewKeeper(ActorContext<Command> context, TimerScheduler<Command> timers, ViewJournal journal, Metrics metrics) {
    super(context);
    this.timers = timers;
    this.metrics = metrics;
    this.journal = context.spawn(journal, "journal");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Count.class, this::onCount)
        .onMessageEquals(WriteDone.INSTANCE, this::onWriteDone)
        .onMessageEquals(WriteTimedOut.INSTANCE, () -> {
          getContext().getLog().warn("a view write got no answer within {}; its batches are asked for again", WRITE_TIMEOUT);
          return onWriteDone();
        })
        .onMessage(Unseen.class, u -> {
          // Answered here, not behind the journal's write in flight (the journal takes no
          // command while it writes): see CountedIds for why that is safe.
          if (counted != null) {
            u.replyTo().tell(new UnseenIds(counted.unseen(u.ids())));
          } else {
            journal.tell(new ViewJournal.Unseen(u.ids(), u.replyTo()));
          }
          return this;
        })
        .onMessage(Recovered.class, r -> {
          counted = r.ids();
          return this;
        })
        .onMessage(GetFigures.class, g -> {
          journal.tell(new ViewJournal.GetFigures(g.replyTo()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onCount(Count count) {
    waiting.add(count);
    if (!writing) {
      write();
    }
    return this;
  }

  private Behavior<Command> onWriteDone() {
    metrics.viewWritten(System.nanoTime() - writeStartedNanos);
    writing = false;
    timers.cancel(WriteTimedOut.INSTANCE);
    if (!waiting.isEmpty()) {
      write();
    }
    return this;
  }

  private void write() {
    writing = true;
    writeStartedNanos = System.nanoTime();
    metrics.viewWriting(waiting.size(), waiting.stream().mapToInt(c -> c.entries().size()).sum());
    journal.tell(new ViewJournal.Write(waiting, getContext().getSelf()));
    waiting = new ArrayList<>();
    timers.startSingleTimer(WriteTimedOut.INSTANCE, WRITE_TIMEOUT);
  }
}
