package casino.processor;

import casino.cluster.Membership;
import casino.broker.QueueDepth;
import casino.config.Settings;
import casino.deadletter.DeadLetters;
import casino.enrich.Enricher;
import casino.enrich.Worker;
import casino.http.ManagementReadiness;
import casino.http.Readiness;
import casino.http.Routes;
import casino.ingest.AmqpControl;
import casino.metrics.Metrics;
import casino.players.PlayerDirectory;
import casino.quotes.QuoteCache;
import casino.quotes.QuoteCacheClient;
import casino.quotes.QuoteStore;
import casino.quotes.RatesClient;
import casino.view.Figures;
import casino.view.ViewActor;
import casino.view.ViewKeeper;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * The guardian of a processor node: joins the cluster, wires quotes, players, workers, view,
 * dead letters, the stream and the HTTP API, and registers their orderly shutdown.
 */
public final class Processor {
  private static final Logger log = LoggerFactory.getLogger(Processor.class);
  /** How often the readiness checks run, and how long each may take before it counts as failed. */
  private static final Duration READINESS_INTERVAL = Duration.ofSeconds(1);
  private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);
  /** A read copy older than this: the keeper does not answer (moving, or its database away). */
  private static final Duration VIEW_STALE = Duration.ofSeconds(5);
  /** The dead-letter queue's depth, read every READINESS_INTERVAL, is unknown when no reading is younger. */
  private static final Duration DEAD_LETTER_DEPTH_FRESH = Duration.ofSeconds(5);
  /** How often the events queue's depth is read for the metrics (in the background, never per scrape). */
  private static final Duration QUEUE_DEPTH_INTERVAL = Duration.ofSeconds(2);

  private Processor() {}

  public static Behavior<Void> create(Settings settings) {
    return Behaviors.setup(context -> {
      wire(context, settings, Clock.systemUTC());
      // Should the view's read copy stop, the node stops (exit status 1) rather than answer
      // without figures; its unacked events go to the other nodes.
      return Behaviors.receive(Void.class)
          .onSignal(Terminated.class, stopped -> {
            log.error("{} stopped; shutting the node down", stopped.getRef().path().name());
            CoordinatedShutdown.get(context.getSystem()).runAll(NodeFailure.INSTANCE);
            return Behaviors.same();
          })
          .build();
    });
  }

  private static void wire(ActorContext<Void> context, Settings settings, Clock clock) {
    var system = context.getSystem();
    PekkoManagement.get(Adapter.toClassic(system)).start().whenComplete((uri, failure) -> {
      if (failure != null) {
        log.error("cannot start Pekko Management: {}", failure.getMessage());
      } else {
        log.info("Pekko Management at {}", uri);
      }
    });
    joinCluster(system, settings.cluster());
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Metrics metrics = Metrics.prometheus();

    QuoteStore quoteStore = new QuoteStore(settings.redis(), settings.redis().keyPrefix(), clock);
    RatesClient rates = new RatesClient(settings.rates(), clock, metrics);
    ActorRef<QuoteCache.Command> quoteCache = ClusterSingleton.get(system)
        .init(SingletonActor.of(Behaviors.supervise(QuoteCache.create(settings.rates(), rates, quoteStore, clock))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)), "quote-cache"));
    ExecutionContextExecutor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("casino.blocking-dispatcher"));
    PlayerDirectory players = new PlayerDirectory(settings.database(), blocking);
    QuoteCacheClient quotes = new QuoteCacheClient(quoteCache, system.scheduler(), settings.rates(), clock);
    Enricher enricher = new Enricher(quotes, players, settings.rates().ttl(), clock);
    ActorRef<Worker.Command> workers = context.spawn(Worker.pool(settings.processor().workers(), enricher), "workers");
    Settings.View viewSettings = settings.view();
    ActorRef<ViewKeeper.Command> keeper = ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.supervise(ViewKeeper.create(viewSettings, clock, metrics))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)),
        "view-keeper"));
    AtomicReference<Figures> viewCopy = new AtomicReference<>(Figures.EMPTY);
    ActorRef<ViewActor.Command> view = context.spawn(ViewActor.create(keeper, viewSettings.refresh(), clock, viewCopy), "view");
    context.watch(view);
    DeadLetters deadLetters = new DeadLetters(settings.rabbit(), clock);
    Progress progress = new Progress(clock, Duration.ofSeconds(5));

    Pair<AmqpControl, CompletionStage<Done>> stream =
        new ProcessorStream(system, settings, workers, keeper, deadLetters, progress, metrics, clock,
            system.dispatchers().lookup(DispatcherSelector.fromConfig("casino.output-dispatcher"))).run();
    AmqpControl source = stream.first();
    stream.second().whenComplete((done, failure) -> {
      if (failure != null) {
        log.error("processing stream failed; shutting down", failure);
        shutdown.run(NodeFailure.INSTANCE);
      } else if (!source.draining()) {
        log.error("processing stream ended without a drain; shutting down");
        shutdown.run(NodeFailure.INSTANCE);
      }
    });

    Readiness readiness = new Readiness(readinessChecks(source, quoteStore, players, progress, viewCopy, clock),
        blocking, READINESS_TIMEOUT);
    Cancellable checking = readiness.start(system.scheduler(), READINESS_INTERVAL, system.executionContext());
    ManagementReadiness.serve(Adapter.toClassic(system), readiness::results);
    QueueDepth deadLetterDepth = new QueueDepth(settings.rabbit(), settings.rabbit().deadLetterQueue(), clock,
        DEAD_LETTER_DEPTH_FRESH);
    Cancellable readingDeadLetters = deadLetterDepth.start(system.scheduler(), READINESS_INTERVAL, blocking,
        system.executionContext());
    Cluster cluster = Cluster.get(system);
    QueueDepth queueDepth = new QueueDepth(settings.rabbit(), settings.rabbit().eventsQueue(), clock,
        QUEUE_DEPTH_INTERVAL.multipliedBy(3));
    Cancellable depthReading = queueDepth.start(system.scheduler(), QUEUE_DEPTH_INTERVAL, blocking, system.executionContext());
    metrics.eventsQueue(queueDepth::messages, source::unacked);
    metrics.readiness(readiness::results);
    metrics.quotes(() -> quotes.fetchedAt().map(at -> seconds(Duration.between(at, clock.instant()))).orElse(Double.NaN));
    metrics.view(() -> viewCopy.get().rememberedIds(),
        () -> viewCopy.get().asOfMillis() == 0 ? Double.NaN : seconds(viewCopy.get().age(clock.instant())));
    Routes routes = new Routes(view, system.scheduler(), readiness::results, deadLetterDepth::current,
        () -> Membership.of(cluster), metrics::scrape);
    CompletionStage<ServerBinding> binding = Http.get(system)
        .newServerAt(settings.http().host(), settings.http().port())
        .bind(routes.routes());
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        log.error("cannot serve HTTP on {}:{}: {}", settings.http().host(), settings.http().port(), failure.getMessage());
        shutdown.run(NodeFailure.INSTANCE);
      } else {
        log.info("HTTP API at http://{}:{}/materialized, dashboard at /", settings.http().host(),
            bound.localAddress().getPort());
      }
    });

    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind",
        () -> binding.thenCompose(b -> b.unbind()).exceptionally(f -> Done.getInstance()));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain-events", () -> {
      log.info("draining: no new events are taken; in-flight events finish and are acked");
      source.drain();
      return stream.second().exceptionally(f -> Done.getInstance())
          .toCompletableFuture().completeOnTimeout(Done.getInstance(), 18, TimeUnit.SECONDS);
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-clients", () -> {
      checking.cancel();
      readingDeadLetters.cancel();
      deadLetterDepth.close();
      depthReading.cancel();
      queueDepth.close();
      metrics.close();
      deadLetters.close();
      players.close();
      quoteStore.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /**
   * Seed nodes, a cluster of its own, or Cluster Bootstrap: it finds the other nodes' Pekko
   * Management through discovery (started above, where this node answers their probes).
   */
  private static void joinCluster(org.apache.pekko.actor.typed.ActorSystem<?> system, Settings.Cluster settings) {
    Cluster cluster = Cluster.get(system);
    if (settings.bootstrap()) {
      log.info("joining the cluster through Cluster Bootstrap: discovery {}, service {}, {} contact points required",
          settings.discovery().configName(), settings.serviceName(), settings.requiredContactPoints());
      ClusterBootstrap.get(system).start();
    } else if (settings.seedNodes().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      cluster.manager().tell(new JoinSeedNodes(settings.seedNodes().stream()
          .map(AddressFromURIString::parse).toList()));
    }
  }

  /**
   * What {@code /ready} checks, in the order it names them: the one place to add a check. Each
   * may block (up to about a second); they run in the background on the blocking dispatcher.
   * {@code progress}: batches get counted; {@code view}: this node's copy of the cluster's view
   * is fresh (the keeper answers).
   */
  private static Map<String, BooleanSupplier> readinessChecks(AmqpControl source, QuoteStore quotes, PlayerDirectory players,
      Progress progress, AtomicReference<Figures> viewCopy, Clock clock) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("broker", source::connected);
    checks.put("redis", quotes::connected);
    checks.put("database", players::reachable);
    checks.put("progress", progress::moving);
    checks.put("view", () -> {
      Figures copy = viewCopy.get();   // read once: the actor may replace it between two reads
      return copy.asOfMillis() > 0 && copy.age(clock.instant()).compareTo(VIEW_STALE) < 0;
    });
    return checks;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

}
