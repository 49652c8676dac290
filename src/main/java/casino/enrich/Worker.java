package casino.enrich;

import casino.domain.CasinoEvent;
import java.time.Duration;
import java.time.Instant;
import casino.concurrent.Failures;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * One enrichment worker of a supervised pool. It holds no state: each batch's enrichment runs
 * asynchronously and answers its asker with one result per event, failures included. A worker
 * that fails (a malformed request) is restarted with backoff; the asker's timeout then
 * dead-letters that request's events, so none is dropped.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

  public sealed interface Command {}

  /** Events that arrived together; answered with one result per event, in order. */
  public record Enrich(List<CasinoEvent> events, Instant deadline, ActorRef<Enriched> replyTo) implements Command {}

  public record Enriched(List<Enricher.Result> results) {}

  private final Enricher enricher;
  private final String name;

  public static PoolRouter<Command> pool(int size, Enricher enricher) {
    Behavior<Command> supervised = Behaviors.supervise(create(enricher))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
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
    List<CasinoEvent> events = List.copyOf(enrich.events());
    CompletionStage<List<Enricher.Result>> enriched;
    try {
      enriched = enricher.enrich(events, enrich.deadline(), name);
    } catch (RuntimeException e) {
      enriched = CompletableFuture.failedFuture(e);
    }
    // Whatever happens, the asker hears about every event: a batch is never left to its timeout.
    enriched.whenComplete((results, failure) -> enrich.replyTo().tell(new Enriched(failure == null ? results
        : events.stream().map(e -> Enricher.Result.transientFailure("enrichment failed: " + Failures.message(failure))).toList())));
    return this;
  }
}
