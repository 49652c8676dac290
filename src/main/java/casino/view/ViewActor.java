package casino.view;

import casino.domain.CasinoEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the {@link ViewState}. Batches are applied whole between two queries, so a reader never
 * sees half an event; the processor acks a batch only after {@link Recorded}.
 */
public final class ViewActor extends AbstractBehavior<ViewActor.Command> {

  public sealed interface Command {}

  public record Counted(CasinoEvent event, Long amountEurCents) {}

  public record Record(List<Counted> events, ActorRef<Recorded> replyTo) implements Command {}

  public record Recorded(int newlyCounted) {}

  public record Query(int windowSeconds, ActorRef<ViewState.Snapshot> replyTo) implements Command {}

  private final ViewState state;
  private final Clock clock;
  private long forgottenEarly;

  public static Behavior<Command> create(Clock clock) {
    return Behaviors.setup(context -> new ViewActor(context, clock));
  }

  private ViewActor(ActorContext<Command> context, Clock clock) {
    super(context);
    this.clock = clock;
    // 20 M ids: about 5,500 events/s for a whole hour, at most a few hundred MiB.
    this.state = new ViewState(Duration.ofHours(1), 20_000_000L);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Record.class, this::onRecord)
        .onMessage(Query.class, this::onQuery)
        .build();
  }

  private Behavior<Command> onQuery(Query query) {
    try {
      query.replyTo().tell(state.snapshot(query.windowSeconds(), clock.instant()));
    } catch (IllegalArgumentException e) {
      // A query the routes should not have let through: its asker times out, the view lives on.
      getContext().getLog().error("view query refused: {}", e.getMessage());
    }
    return this;
  }

  private Behavior<Command> onRecord(Record record) {
    var now = clock.instant();
    int counted = 0;
    for (Counted c : record.events()) {
      if (state.record(c.event(), c.amountEurCents(), now)) {
        counted++;
      }
    }
    record.replyTo().tell(new Recorded(counted));
    if (state.generationsForgottenEarly() != forgottenEarly) {
      forgottenEarly = state.generationsForgottenEarly();
      getContext().getLog().warn("more event ids within the hour than the dedupe cap holds ({} remembered): "
          + "the oldest were forgotten early, so redeliveries of them would count again", state.rememberedIds());
    }
    return this;
  }
}
