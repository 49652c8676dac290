package casino.enrich;

import casino.domain.CasinoEvent;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.PoolRouter;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.Routers;

/**
 * One enrichment worker of a supervised pool. It holds no state: each event's enrichment runs
 * asynchronously and answers its asker. A worker that fails is restarted with backoff; the
 * asker's timeout then retries or dead-letters the event, so none is dropped.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

  public sealed interface Command {}

  public record Enrich(CasinoEvent event, Instant deadline, ActorRef<Result> replyTo) implements Command {}

  public sealed interface Result {}

  public record Enriched(EnrichedEvent event) implements Result {}

  public record Failed(String reason) implements Result {}

  private final Enricher enricher;
  private final String name;

  public static PoolRouter<Command> pool(int size, Enricher enricher) {
    Behavior<Command> supervised = Behaviors.supervise(create(enricher))
        .onFailure(SupervisorStrategy.restartWithBackoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5), 0.2));
    return Routers.pool(size, supervised).withRoundRobinRouting();
  }

  public static Behavior<Command> create(Enricher enricher) {
    return Behaviors.setup(context -> new Worker(context, enricher));
  }

  private Worker(ActorContext<Command> context, Enricher enricher) {
    super(context);
    this.enricher = enricher;
    this.name = context.getSelf().path().name();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Enrich.class, this::onEnrich).build();
  }

  private Behavior<Command> onEnrich(Enrich enrich) {
    enricher.enrich(enrich.event(), enrich.deadline(), name).whenComplete((enriched, failure) ->
        enrich.replyTo().tell(failure == null ? new Enriched(enriched) : new Failed(Enricher.rootMessage(failure))));
    return this;
  }
}
