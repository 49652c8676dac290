package casino.http;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * The node's own readiness (broker, Redis, database, progress, view: what {@code /ready} shows)
 * as a Pekko Management readiness check, so that {@code /health/ready} on the management port,
 * which orchestrators probe, holds traffic off a node that {@code /ready} reports not ready,
 * not only one that has not joined the cluster. Pekko Management creates it from configuration
 * ({@code pekko.management.health-checks.readiness-checks}); the processor hands it the checks'
 * results once it has them, and until then the node is not ready. It answers from the results
 * the checks keep in the background, at once.
 */
public final class ManagementReadiness implements Supplier<CompletionStage<Boolean>> {
  private final Results results;

  public ManagementReadiness(ActorSystem system) {
    this.results = Results.ID.get(system);
  }

  /** The results {@code /health/ready} of this actor system's management answers from. */
  public static void serve(ActorSystem system, Supplier<Map<String, Boolean>> checks) {
    Results.ID.get(system).checks.set(checks);
  }

  @Override
  public CompletionStage<Boolean> get() {
    Supplier<Map<String, Boolean>> checks = results.checks.get();
    return CompletableFuture.completedFuture(
        checks != null && Readiness.allPassed(checks.get()));
  }

  static final class Results implements Extension {
    static final Id ID = new Id();
    final AtomicReference<Supplier<Map<String, Boolean>>> checks = new AtomicReference<>();

    static final class Id extends AbstractExtensionId<Results> {
      @Override
      public Results createExtension(ExtendedActorSystem system) {
        return new Results();
      }
    }
  }
}
