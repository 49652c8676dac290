package casino.view;

import casino.cluster.CborSerializable;
import casino.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The view's one writer, event-sourced: each write is one journal event holding every entry
 * not counted before, and the state is the {@link ViewState} those events build. Recovery loads
 * the latest snapshot (figures and remembered ids) and replays at most {@code snapshotEvery}
 * events on top; events older than the snapshots are deleted.
 */
final class ViewJournal extends EventSourcedBehavior<ViewJournal.Command, ViewJournal.Recorded, ViewJournal.State> {

  sealed interface Command extends CborSerializable {}

  /** Counts every entry of {@code requests} not counted yet, in one journal event; answers each request. */
  record Write(List<ViewKeeper.Count> requests, ActorRef<ViewKeeper.Command> writer) implements Command {}

  record Unseen(long[] ids, ActorRef<ViewKeeper.UnseenIds> replyTo) implements Command {}

  record GetFigures(ActorRef<Figures> replyTo) implements Command {}

  /** The journal event: entries counted at {@code atMillis} (the keeper's clock, so replay is exact). */
  record Recorded(long atMillis, Entries entries) implements CborSerializable {}

  /** The state: not immutable (a view of millions of ids is not copied per event), so snapshots go through the adapter. */
  static final class State {
    final ViewState view;

    State(ViewState view) {
      this.view = view;
    }
  }

  private final Duration horizon;
  private final long maxIds;
  private final int snapshotEvery;
  private final Clock clock;
  private final ActorRef<ViewKeeper.Command> keeper;

  ViewJournal(Settings.View settings, Clock clock, ActorRef<ViewKeeper.Command> keeper) {
    super(PersistenceId.ofUniqueId(settings.persistenceId()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.horizon = settings.dedupHorizon();
    this.maxIds = settings.maxRememberedIds();
    this.snapshotEvery = settings.snapshotEvery();
    this.clock = clock;
    this.keeper = keeper;
  }

  @Override
  public State emptyState() {
    return new State(new ViewState(horizon, maxIds));
  }

  @Override
  public CommandHandler<Command, Recorded, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Write.class, this::onWrite)
        .onCommand(Unseen.class, (state, unseen) -> {
          unseen.replyTo().tell(new ViewKeeper.UnseenIds(state.view.countedIds().unseen(unseen.ids())));
          return Effect().none();
        })
        .onCommand(GetFigures.class, (state, get) -> {
          get.replyTo().tell(state.view.figures(clock.instant()));
          return Effect().none();
        })
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Recorded, State> onWrite(State state, Write write) {
    int total = write.requests().stream().mapToInt(r -> r.entries().size()).sum();
    Entries.Builder fresh = Entries.builder(total);
    int[] newPerRequest = new int[write.requests().size()];
    RecentIds.LongSet inThisWrite = new RecentIds.LongSet();
    for (int r = 0; r < newPerRequest.length; r++) {
      Entries e = write.requests().get(r).entries();
      for (int i = 0; i < e.size(); i++) {
        long id = e.ids()[i];
        if (!state.view.counted(id) && inThisWrite.add(id)) {
          fresh.add(id, e.playerIds()[i], e.kinds()[i], e.amountsEur()[i], e.createdAtMillis()[i]);
          newPerRequest[r]++;
        }
      }
    }
    Entries entries = fresh.build();
    Runnable answer = () -> {
      for (int r = 0; r < newPerRequest.length; r++) {
        write.requests().get(r).replyTo().tell(new ViewKeeper.Counted(newPerRequest[r]));
      }
      write.writer().tell(ViewKeeper.WriteDone.INSTANCE);
    };
    if (entries.size() == 0) {
      answer.run();
      return Effect().none();
    }
    return Effect().persist(new Recorded(clock.instant().toEpochMilli(), entries)).thenRun(s -> answer.run());
  }

  @Override
  public EventHandler<State, Recorded> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Recorded.class, (state, recorded) -> {
          state.view.record(recorded.entries(), Instant.ofEpochMilli(recorded.atMillis()));
          return state;
        })
        .build();
  }

  /** Once recovered, the keeper answers which ids are counted from this state's ids, without waiting for writes. */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (state, recovered) -> keeper.tell(new ViewKeeper.Recovered(state.view.countedIds())))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        // On the actor's thread: the stored form is an immutable copy, serialized elsewhere.
        return state.view.store();
      }

      @Override
      public State fromJournal(Object stored) {
        return new State(ViewState.restore(horizon, maxIds, (ViewState.Stored) stored));
      }
    };
  }
}
