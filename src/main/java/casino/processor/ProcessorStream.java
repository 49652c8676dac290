package casino.processor;

import static net.logstash.logback.argument.StructuredArguments.kv;

import casino.config.Settings;
import casino.deadletter.DeadLetters;
import casino.domain.CasinoEvent;
import casino.domain.InvalidEventException;
import casino.domain.WireFormat;
import casino.enrich.EnrichedEvent;
import casino.enrich.EventJson;
import casino.enrich.Worker;
import casino.ingest.AmqpControl;
import casino.ingest.AmqpSource;
import casino.ingest.CommittableMessage;
import casino.view.ViewActor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing graph: committable AMQP source → decode → worker pool (bounded ask
 * parallelism) → JSON line on stdout → view → ack, batched in order inside the prefetch window.
 * Whatever cannot be enriched goes to the dead-letter queue before its message is acked.
 */
public final class ProcessorStream {
  private static final Logger log = LoggerFactory.getLogger(ProcessorStream.class);
  /** stdout: one JSON line per processed event, nothing else. */
  private static final Logger EVENTS = LoggerFactory.getLogger("events");
  private static final Duration ACK_BATCH_WINDOW = Duration.ofMillis(20);

  private enum Settle { ACK, REQUEUE }

  private record Outcome(CommittableMessage message, EnrichedEvent enriched, Settle settle) {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final ActorRef<Worker.Command> workers;
  private final ActorRef<ViewActor.Command> view;
  private final DeadLetters deadLetters;
  private final Clock clock;

  public ProcessorStream(ActorSystem<?> system, Settings settings, ActorRef<Worker.Command> workers,
      ActorRef<ViewActor.Command> view, DeadLetters deadLetters, Clock clock) {
    this.system = system;
    this.settings = settings;
    this.workers = workers;
    this.view = view;
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  public Pair<AmqpControl, CompletionStage<Done>> run() {
    int prefetch = settings.rabbit().prefetch();
    // In flight in the workers plus a batch waiting for its ack: always inside the prefetch window.
    int parallelism = Math.max(1, Math.min(256, prefetch / 2));
    int ackBatch = Math.max(1, Math.min(100, prefetch / 4));
    return AmqpSource.reconnecting(settings.rabbit(), settings.rabbit().eventsQueue())
        .mapAsync(parallelism, this::process)
        .groupedWithin(ackBatch, ACK_BATCH_WINDOW)
        .mapAsync(1, this::countAndSettle)
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
  }

  private CompletionStage<Outcome> process(CommittableMessage message) {
    CasinoEvent event;
    try {
      event = WireFormat.decode(message.body());
    } catch (InvalidEventException e) {
      return deadLetter(message, e.getMessage(), null);
    }
    Duration timeout = settings.processor().enrichmentTimeout();
    Instant deadline = clock.instant().plus(timeout);
    return AskPattern.<Worker.Command, Worker.Result>ask(workers, replyTo -> new Worker.Enrich(event, deadline, replyTo),
            timeout.plusSeconds(2), system.scheduler())
        .handle((result, failure) -> {
          if (result instanceof Worker.Enriched enriched) {
            EVENTS.info(EventJson.line(enriched.event()));
            return CompletableFuture.completedFuture(new Outcome(message, enriched.event(), Settle.ACK));
          }
          String reason = failure != null ? "no answer from the worker pool: " + failure.getMessage() : ((Worker.Failed) result).reason();
          return deadLetter(message, reason, event);
        })
        .thenCompose(outcome -> outcome);
  }

  private CompletionStage<Outcome> deadLetter(CommittableMessage message, String reason, CasinoEvent event) {
    log.warn("dead-lettering message: {}", reason, kv("event_id", event == null ? null : event.id()),
        kv("delivery_tag", message.deliveryTag()), kv("reason", reason));
    return deadLetters.send(message.body(), message.properties(), reason).handle((done, failure) -> {
      if (failure == null) {
        return new Outcome(message, null, Settle.ACK);
      }
      log.error("could not dead-letter, the message goes back to the queue: {}", failure.getMessage(),
          kv("delivery_tag", message.deliveryTag()));
      return new Outcome(message, null, Settle.REQUEUE);
    });
  }

  private CompletionStage<Done> countAndSettle(List<Outcome> batch) {
    List<ViewActor.Counted> processed = batch.stream()
        .filter(o -> o.enriched() != null)
        .map(o -> new ViewActor.Counted(o.enriched().event(), o.enriched().amountEurCents()))
        .toList();
    CompletionStage<?> counted = processed.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : AskPattern.<ViewActor.Command, ViewActor.Recorded>ask(view, replyTo -> new ViewActor.Record(processed, replyTo),
            Duration.ofSeconds(10), system.scheduler());
    return counted.thenCompose(recorded -> settle(batch)).exceptionally(failure -> {
      // The source restarted (or the view did not answer): the broker redelivers these, and the
      // view counts each id once.
      log.warn("batch of {} not acked, it will be redelivered: {}", batch.size(), failure.getMessage());
      return Done.getInstance();
    });
  }

  private static CompletionStage<Done> settle(List<Outcome> batch) {
    if (batch.stream().allMatch(o -> o.settle() == Settle.ACK)) {
      return batch.get(batch.size() - 1).message().ackUpTo();
    }
    CompletableFuture<?>[] each = batch.stream()
        .map(o -> (o.settle() == Settle.ACK ? o.message().ack() : o.message().nack(true)).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(each).thenApply(v -> Done.getInstance());
  }
}
