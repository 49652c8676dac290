package casino.processor;

import static net.logstash.logback.argument.StructuredArguments.kv;

import casino.concurrent.Asks;
import casino.concurrent.Failures;
import casino.config.Settings;
import casino.deadletter.DeadLetters;
import casino.domain.CasinoEvent;
import casino.domain.InvalidEventException;
import casino.domain.WireFormat;
import casino.enrich.EnrichedEvent;
import casino.enrich.Enricher;
import casino.enrich.Worker;
import casino.ingest.AmqpControl;
import casino.ingest.AmqpSource;
import casino.ingest.Coalescing;
import casino.ingest.CommittableMessage;
import casino.metrics.Metrics;
import casino.view.Entries;
import casino.view.ViewKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing graph: committable AMQP source → batches of what arrived together → decode →
 * worker pool (bounded ask parallelism) → JSON lines on stdout → view → ack, in order and inside
 * the prefetch window. Whatever cannot be enriched goes to the dead-letter queue before its
 * message is acked.
 */
public final class ProcessorStream {
  private static final Logger log = LoggerFactory.getLogger(ProcessorStream.class);
  static final int WORKER_PARALLELISM = 2;
  /**
   * Count requests in flight: one in the keeper's journal write, one waiting for the next. The
   * batches written meanwhile gather into the next request.
   */
  static final int COUNT_PARALLELISM = 2;
  /**
   * Each batch costs a player query, an {@code Unseen} ask and a worker ask whatever its size: in
   * three alternating pairs draining a backlog with the window of 5,000, batches of up to 500
   * took 14.5-16.3 us of processor CPU per event against 19.1-21.7 with 250.
   */
  static final int MAX_BATCH = 500;
  /**
   * Batches handed to the output's thread: one being written, one waiting. A write to standard
   * output can block (a full pipe, a file on a disk busy with the broker's and the database's
   * commits: the stream's thread was seen waiting 47 ms in the file system), and while it
   * does, the stream, the workers' answers, the view keeper and HTTP, which share that thread,
   * go on.
   */
  static final int WRITE_PARALLELISM = 2;
  private static final Duration KEEPER_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KEEPER_FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration KEEPER_MAX_BACKOFF = Duration.ofSeconds(2);

  private enum Settle { ACK, REQUEUE }

  /** {@code enriched} is null when the message was dead-lettered. */
  private record Outcome(CommittableMessage message, EnrichedEvent enriched, Settle settle) {}

  /** A batch's outcomes, and which of its events the cluster had not counted when asked (sorted). */
  private record Processed(List<Outcome> outcomes, long[] unseen) {}

  private final ActorSystem<?> system;
  private final Settings settings;
  private final ActorRef<Worker.Command> workers;
  private final ActorRef<ViewKeeper.Command> keeper;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Progress progress;
  private final Metrics metrics;
  private final EventOutput output = new EventOutput();
  private final Executor writing;

  /** {@code writing}: one thread of its own, where lines are written to standard output in order. */
  ProcessorStream(ActorSystem<?> system, Settings settings, ActorRef<Worker.Command> workers,
      ActorRef<ViewKeeper.Command> keeper, DeadLetters deadLetters, Progress progress, Metrics metrics, Clock clock,
      Executor writing) {
    this.system = system;
    this.writing = writing;
    this.settings = settings;
    this.workers = workers;
    this.keeper = keeper;
    this.deadLetters = deadLetters;
    this.progress = progress;
    this.metrics = metrics;
    this.clock = clock;
  }

  Pair<AmqpControl, CompletionStage<Done>> run() {
    int prefetch = settings.rabbit().prefetch();
    // Messages gather into a batch while the workers are busy, and under load also for a
    // moment longer (see LingeringBatch). Batches in the workers, one gathering and one being
    // acked hold at most half the prefetch window: with the pipeline full, the broker can still
    // send the next batches instead of waiting for an ack (on a 400,000 backlog, 2,000 against
    // 1,000 gave 3-12 % more in four alternating pairs).
    int maxBatch = Math.max(1, Math.min(MAX_BATCH, prefetch / (2 * (WORKER_PARALLELISM + 2))));
    Settings.Processor processor = settings.processor();
    // Under the same load the source wakes up once per batch's worth of deliveries, and
    // collects stragglers every linger period: the batch waits for them anyway.
    Coalescing underLoad = new Coalescing(maxBatch, processor.batchLinger(), processor.lingerFromRate());
    return AmqpSource.reconnecting(settings.rabbit(), settings.rabbit().eventsQueue(), underLoad)
        .via(new LingeringBatch<>(underLoad))
        .mapAsync(WORKER_PARALLELISM, this::process)
        // Lines are written as soon as their batch is enriched, in order, whatever the counting
        // is doing: a slow journal write (the database busy storing a snapshot, say) holds up
        // the acks, not the output. Written batches gather into one count request (see
        // gathered). Acked strictly in order, each only once counted.
        .mapAsync(WRITE_PARALLELISM, this::write)
        .via(gathered(prefetch, processor.countGather()))
        .mapAsync(COUNT_PARALLELISM, this::count)
        .mapAsync(1, this::settle)
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
  }

  /**
   * One outcome per message, in order: enriched, or dead-lettered (permanent fault or timeout);
   * meanwhile the keeper says which events the cluster has not counted yet.
   */
  private CompletionStage<Processed> process(List<CommittableMessage> messages) {
    metrics.batch(messages.size());
    List<CasinoEvent> decoded = new ArrayList<>(messages.size());    // null where undecodable
    List<CompletionStage<Outcome>> rejected = new ArrayList<>(messages.size()); // dead-lettered at once
    for (CommittableMessage message : messages) {
      try {
        decoded.add(WireFormat.decode(message.body()));
        rejected.add(null);
      } catch (InvalidEventException | RuntimeException e) {
        decoded.add(null);
        rejected.add(deadLetter(message, e instanceof InvalidEventException ? e.getMessage()
            : "undecodable payload: " + Failures.message(e), null));
      }
    }
    List<CasinoEvent> events = decoded.stream().filter(Objects::nonNull).toList();
    long[] eventIds = events.stream().mapToLong(CasinoEvent::id).toArray();
    CompletionStage<long[]> unseen = events.isEmpty() ? CompletableFuture.completedFuture(new long[0])
        : untilAnswered("asking which events are counted", events.size(),
            () -> Asks.<ViewKeeper.Command, ViewKeeper.UnseenIds>ask(keeper, replyTo -> new ViewKeeper.Unseen(eventIds, replyTo),
                KEEPER_TIMEOUT, system.scheduler()))
            .thenApply(answer -> {
              long[] fresh = answer.ids();   // an array of this answer's own: sorted in place
              Arrays.sort(fresh);
              return fresh;
            });
    CompletionStage<List<Enricher.Result>> enriched =
        events.isEmpty() ? CompletableFuture.completedFuture(List.of()) : enrich(events);
    return enriched.handle((results, failure) -> {
      List<CompletionStage<Outcome>> outcomes = new ArrayList<>(messages.size());
      int next = 0;
      for (int i = 0; i < messages.size(); i++) {
        if (rejected.get(i) != null) {
          outcomes.add(rejected.get(i));
        } else if (failure != null) {
          outcomes.add(deadLetter(messages.get(i), "no answer from the worker pool: " + failure.getMessage(), decoded.get(i)));
        } else {
          outcomes.add(outcome(messages.get(i), decoded.get(i), results.get(next++)));
        }
      }
      return inOrder(outcomes);
    }).thenCompose(all -> all).thenCompose(outcomes -> outcomes.stream().anyMatch(o -> o.enriched() != null)
        ? unseen.thenApply(ids -> new Processed(outcomes, ids))
        // Nothing to write or count: dead letters do not wait for the keeper.
        : CompletableFuture.completedFuture(new Processed(outcomes, new long[0])));
  }

  private CompletionStage<Outcome> outcome(CommittableMessage message, CasinoEvent event, Enricher.Result result) {
    if (result.enriched() == null) {
      return deadLetter(message, result.failure(), event);
    }
    return CompletableFuture.completedFuture(
        new Outcome(message, result.enriched(), Settle.ACK));
  }

  private CompletionStage<List<Enricher.Result>> enrich(List<CasinoEvent> events) {
    Duration timeout = settings.processor().enrichmentTimeout();
    Instant deadline = clock.instant().plus(timeout);
    return Asks.<Worker.Command, Worker.Enriched>ask(workers, replyTo -> new Worker.Enrich(events, deadline, replyTo),
            timeout.plusSeconds(2), system.scheduler())
        .thenApply(Worker.Enriched::results);
  }

  private static CompletionStage<List<Outcome>> inOrder(List<CompletionStage<Outcome>> outcomes) {
    CompletableFuture<?>[] all = outcomes.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).thenApply(done -> outcomes.stream().map(o -> o.toCompletableFuture().join()).toList());
  }

  /** Never fails: a dead letter that cannot be sent sends its message back to the queue. */
  private CompletionStage<Outcome> deadLetter(CommittableMessage message, String reason, CasinoEvent event) {
    log.warn("dead-lettering message: {}", reason, kv("event_id", event == null ? null : event.id()),
        kv("delivery_tag", message.deliveryTag()), kv("reason", reason));
    return deadLetters.send(message.body(), message.properties(), reason).handle((done, failure) -> {
      if (failure == null) {
        metrics.deadLettered(reason);
        return new Outcome(message, null, Settle.ACK);
      }
      log.error("could not dead-letter, the message goes back to the queue: {}", failure.getMessage(),
          kv("delivery_tag", message.deliveryTag()));
      return new Outcome(message, null, Settle.REQUEUE);
    });
  }

  /**
   * Writes the lines of the batch's events the cluster had not counted (SPEC 5: an id twice in
   * the batch, a duplicate publish, is written once). They are counted after and acked after
   * that (see count and settle): an acked event is always in the output and the view, and no
   * crash leaves an event counted but not written; a crash between writing and counting writes
   * a line again at the redelivery, which SPEC 5 allows. Without stdout nothing can be
   * delivered: the stream fails, and the broker redelivers.
   */
  private CompletionStage<List<Outcome>> write(Processed batch) {
    long[] toWrite = batch.unseen();
    boolean[] done = new boolean[toWrite.length];
    List<EnrichedEvent> written = new ArrayList<>(toWrite.length);
    long[] deliveredAtNanos = new long[toWrite.length];
    for (Outcome o : batch.outcomes()) {
      if (o.enriched() != null) {
        int i = Arrays.binarySearch(toWrite, o.enriched().event().id());
        if (i >= 0 && !done[i]) {
          done[i] = true;
          deliveredAtNanos[written.size()] = o.message().deliveredAtNanos();
          written.add(o.enriched());
        }
      }
    }
    if (written.isEmpty()) {
      return CompletableFuture.completedFuture(batch.outcomes());
    }
    // One thread, so in the order handed over; the stream takes the batches back in order too.
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      try {
        output.write(written);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to standard output: " + e.getMessage(), e);
      }
      long end = System.nanoTime();
      metrics.outputWritten(end - start);
      Instant now = clock.instant();
      for (int i = 0; i < written.size(); i++) {
        Instant deliveredAt = now.minusNanos(end - deliveredAtNanos[i]);
        metrics.written(written.get(i).event().createdAt(), deliveredAt, now);
      }
      return batch.outcomes();
    }, writing);
  }

  /**
   * Written batches, gathered for counting: for {@code gather} from the first (their lines are
   * out already, so this delays only their acks, and saves the count request, journal write and
   * ack that each small batch would cost at moderate rates), and in any case while the counts
   * before them are under way; at most {@code maxEvents} (the prefetch window: the broker sends
   * no more unacked).
   */
  private static Flow<List<Outcome>, List<Outcome>, NotUsed> gathered(int maxEvents, Duration gather) {
    Flow<List<Outcome>, List<Outcome>, NotUsed> written = Flow.create();
    Flow<List<Outcome>, List<List<Outcome>>, NotUsed> groups = gather.isZero()
        ? written.batchWeighted(maxEvents, outcomes -> (long) outcomes.size(), first -> new ArrayList<>(List.of(first)),
            (all, outcomes) -> {
              all.add(outcomes);
              return all;
            })
        : written.groupedWeightedWithin(maxEvents, outcomes -> (long) outcomes.size(), gather);
    return groups.map(ProcessorStream::concatenated);
  }

  private static List<Outcome> concatenated(List<List<Outcome>> batches) {
    if (batches.size() == 1) {
      return batches.get(0);
    }
    List<Outcome> all = new ArrayList<>(batches.stream().mapToInt(List::size).sum());
    batches.forEach(all::addAll);
    return all;
  }

  /** Has the enriched events of one or more written batches counted; their outcomes once counted. */
  private CompletionStage<List<Outcome>> count(List<Outcome> outcomes) {
    List<Outcome> processed = outcomes.stream().filter(o -> o.enriched() != null).toList();
    if (processed.isEmpty()) {
      return CompletableFuture.completedFuture(outcomes);
    }
    Entries.Builder entries = Entries.builder(processed.size());
    processed.forEach(o -> entries.add(o.enriched().event(), o.enriched().amountEurCents()));
    Entries counted = entries.build();
    return untilAnswered("counting a batch", counted.size(),
        () -> Asks.<ViewKeeper.Command, ViewKeeper.Counted>ask(keeper, replyTo -> new ViewKeeper.Count(counted, replyTo),
            KEEPER_TIMEOUT, system.scheduler()))
        .thenApply(c -> outcomes);
  }

  /**
   * Asks until answered, however long it takes (a keeper moving to another node, its database
   * away): the batch is not acked meanwhile, and later batches wait (an ack up to a later
   * delivery tag would ack this one too). A repeated count is harmless: each id counts once.
   * Ends only with the actor system.
   */
  private <T> CompletionStage<T> untilAnswered(String what, int events, Supplier<CompletionStage<T>> ask) {
    return untilAnswered(what, events, ask, KEEPER_FIRST_BACKOFF);
  }

  private <T> CompletionStage<T> untilAnswered(String what, int events, Supplier<CompletionStage<T>> ask, Duration backoff) {
    return ask.get().handle((answer, failure) -> {
      if (failure == null) {
        progress.counted();
        return CompletableFuture.completedFuture(answer);
      }
      progress.countFailed();
      log.warn("{} of {} event(s) failed, retrying in {} ms; not acked meanwhile: {}", what, events, backoff.toMillis(),
          Failures.message(failure));
      Duration next = backoff.multipliedBy(2).compareTo(KEEPER_MAX_BACKOFF) > 0 ? KEEPER_MAX_BACKOFF : backoff.multipliedBy(2);
      CompletableFuture<T> retried = new CompletableFuture<>();
      system.scheduler().scheduleOnce(backoff, () -> untilAnswered(what, events, ask, next).whenComplete((r, f) -> {
        if (f == null) {
          retried.complete(r);
        } else {
          retried.completeExceptionally(f);
        }
      }), system.executionContext());
      return retried;
    }).thenCompose(r -> r);
  }

  private CompletionStage<Done> settle(List<Outcome> batch) {
    return settleAll(batch).thenApply(done -> {
      long now = System.nanoTime();
      for (Outcome outcome : batch) {
        if (outcome.settle() == Settle.ACK) {
          metrics.acked(outcome.message().deliveredAtNanos(), now);
          if (outcome.enriched() != null) {
            metrics.processed(outcome.enriched().event().type());
          }
        }
      }
      return done;
    }).exceptionally(failure -> {
      // The source restarted: the broker redelivers these, and the view counts each id once.
      log.warn("batch of {} not acked, it will be redelivered: {}", batch.size(), failure.getMessage());
      return Done.getInstance();
    });
  }

  private static CompletionStage<Done> settleAll(List<Outcome> batch) {
    if (batch.stream().allMatch(o -> o.settle() == Settle.ACK)) {
      return batch.get(batch.size() - 1).message().ackUpTo();
    }
    CompletableFuture<?>[] each = batch.stream()
        .map(o -> (o.settle() == Settle.ACK ? o.message().ack() : o.message().nack(true)).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(each).thenApply(v -> Done.getInstance());
  }
}
