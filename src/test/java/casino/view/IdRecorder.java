package casino.view;

import casino.cluster.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * Test-only: an event-sourced actor that records batches of event ids, one event per batch,
 * and snapshots as its retention criteria say. It counts the events it applies since it
 * started, so a test sees how many were replayed on top of the snapshot.
 */
final class IdRecorder extends EventSourcedBehavior<IdRecorder.Command, IdRecorder.Recorded, IdRecorder.State> {
  sealed interface Command {}

  record Record(long[] ids, ActorRef<Done> replyTo) implements Command {}

  record Report(ActorRef<Status> replyTo) implements Command {}

  record Recorded(long[] ids) implements CborSerializable {}

  record State(List<Long> ids) implements CborSerializable {
    State plus(long[] more) {
      List<Long> all = new ArrayList<>(ids);
      for (long id : more) {
        all.add(id);
      }
      return new State(List.copyOf(all));
    }
  }

  record Status(List<Long> ids, int eventsApplied) {}

  private final RetentionCriteria retention;
  private int eventsApplied;

  private IdRecorder(PersistenceId persistenceId, RetentionCriteria retention) {
    super(persistenceId);
    this.retention = retention;
  }

  static Behavior<Command> create(String persistenceId, RetentionCriteria retention) {
    return new IdRecorder(PersistenceId.ofUniqueId(persistenceId), retention);
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandler<Command, Recorded, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Record.class, (state, record) -> Effect().persist(new Recorded(record.ids()))
            .thenReply(record.replyTo(), after -> Done.getInstance()))
        .onCommand(Report.class, (state, report) -> Effect().reply(report.replyTo(), new Status(state.ids(), eventsApplied)))
        .build();
  }

  @Override
  public EventHandler<State, Recorded> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Recorded.class, (state, recorded) -> {
          eventsApplied++;
          return state.plus(recorded.ids());
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return retention;
  }
}
