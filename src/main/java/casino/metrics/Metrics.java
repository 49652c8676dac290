package casino.metrics;

import casino.deadletter.ReasonClass;
import casino.domain.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * A node's meters (SPEC 10), all named here. Created once per node and handed to what records;
 * {@code GET /metrics} shows {@link #scrape()}. Components under test without {@code /metrics}
 * get {@link #inMemory()}. Gauges read values kept elsewhere (the source's counters, the last
 * readiness results, the view copy): a scrape never waits for a broker, Redis or a database.
 */
public final class Metrics implements AutoCloseable {
  /** What a scrape answers with: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 25, 50, 100, 250, 500};
  private static final Duration[] ACK_BUCKETS = millis(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000);
  private static final double[] WRITE_EVENT_BUCKETS = {1, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000};
  private static final Duration[] WRITE_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 1_000, 5_000);
  private static final Duration[] AGE_BUCKETS =
      millis(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000);

  private final MeterRegistry registry;
  private final Supplier<String> exposition;
  private final Runnable unbind;
  private final Map<EventType, Counter> processed = new EnumMap<>(EventType.class);
  private final Map<ReasonClass, Counter> deadLettered = new EnumMap<>(ReasonClass.class);
  private final DistributionSummary batchSize;
  private final Timer deliveryToAck;
  private final Timer ageAtOutput;
  private final Timer ageAtDelivery;
  private final Timer viewWrite;
  private final Timer outputWrite;
  private final DistributionSummary viewWriteBatches;
  private final DistributionSummary viewWriteEvents;
  private final Counter ratesCalls;
  private final Counter ratesFailures;

  private Metrics(MeterRegistry registry, Supplier<String> exposition, Runnable unbind) {
    this.registry = registry;
    this.exposition = exposition;
    this.unbind = unbind;
    // Every tag value from the start: a series that appears only with its first event breaks rate().
    for (EventType type : EventType.values()) {
      processed.put(type, Counter.builder("casino.events.processed")
          .description("Events enriched and acked (a redelivered one counts again)")
          .tag("type", type.wireName()).register(registry));
    }
    for (ReasonClass reason : ReasonClass.values()) {
      deadLettered.put(reason, Counter.builder("casino.events.dead.lettered")
          .description("Messages confirmed into the dead-letter queue, by class of reason")
          .tag("reason", reason.label()).register(registry));
    }
    batchSize = DistributionSummary.builder("casino.batch.size")
        .description("Messages per batch taken from the queue")
        .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
    deliveryToAck = Timer.builder("casino.delivery.to.ack")
        .description("From a message's delivery to its ack (enriched, written and counted, or dead-lettered)")
        .serviceLevelObjectives(ACK_BUCKETS).register(registry);
    ageAtOutput = Timer.builder("casino.event.age")
        .description("Age of each event when its line is written: now - created_at")
        .serviceLevelObjectives(AGE_BUCKETS).register(registry);
    // The share of the age that was the publisher's and the broker's, before this node had the event.
    ageAtDelivery = Timer.builder("casino.event.age.at.delivery")
        .description("Age of each written event when the broker delivered it: delivery - created_at")
        .serviceLevelObjectives(AGE_BUCKETS).register(registry);
    outputWrite = Timer.builder("casino.output.write")
        .description("One batch's lines written to standard output and flushed: a pipe or disk that holds the output up shows here")
        .serviceLevelObjectives(WRITE_BUCKETS).register(registry);
    // The view keeper's journal writes (on the node that holds the keeper singleton).
    viewWrite = Timer.builder("casino.view.write")
        .description("One journal write of the view: from sending it to its answer (database commit included)")
        .serviceLevelObjectives(WRITE_BUCKETS).register(registry);
    viewWriteBatches = DistributionSummary.builder("casino.view.write.batches")
        .description("Count requests (batches, from any node) that one journal write of the view covers")
        .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
    viewWriteEvents = DistributionSummary.builder("casino.view.write.events")
        .description("Events asked to be counted in one journal write of the view (before dedup)")
        .serviceLevelObjectives(WRITE_EVENT_BUCKETS).register(registry);
    ratesCalls = Counter.builder("casino.rates.api.calls").description("Calls of the rates API from this node")
        .register(registry);
    ratesFailures = Counter.builder("casino.rates.api.failures")
        .description("Rates API calls that gave no usable quotes (unreachable, slow, an error or a malformed answer)")
        .register(registry);
  }

  /** The node's metrics in a Prometheus registry, with the JVM's (memory, GC, threads, classes, CPU, uptime). */
  public static Metrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new Metrics(registry, registry::scrape, gc::close);
  }

  /** Meters that are kept but shown nowhere; tests may read them through {@link #registry()}. */
  public static Metrics inMemory() {
    return new Metrics(new SimpleMeterRegistry(), () -> "", () -> { });
  }

  /** Every meter in Prometheus text format. */
  public String scrape() {
    return exposition.get();
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void processed(EventType type) {
    processed.get(type).increment();
  }

  public void deadLettered(String reason) {
    deadLettered.get(ReasonClass.of(reason)).increment();
  }

  public void batch(int messages) {
    batchSize.record(messages);
  }

  /** {@code deliveredAtNanos}, {@code ackedAtNanos}: on the {@link System#nanoTime()} scale. */
  public void acked(long deliveredAtNanos, long ackedAtNanos) {
    deliveryToAck.record(Math.max(0, ackedAtNanos - deliveredAtNanos), TimeUnit.NANOSECONDS);
  }

  /**
   * An event's line is written {@code now}; its message was delivered at {@code deliveredAt}. An
   * event dated in the future (clocks differ) counts as age 0.
   */
  public void written(Instant createdAt, Instant deliveredAt, Instant now) {
    ageAtDelivery.record(Math.max(0, deliveredAt.toEpochMilli() - createdAt.toEpochMilli()), TimeUnit.MILLISECONDS);
    ageAtOutput.record(Math.max(0, now.toEpochMilli() - createdAt.toEpochMilli()), TimeUnit.MILLISECONDS);
  }

  public void outputWritten(long nanos) {
    outputWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A journal write of the view begins, for {@code batches} count requests of {@code events} events. */
  public void viewWriting(int batches, int events) {
    viewWriteBatches.record(batches);
    viewWriteEvents.record(events);
  }

  public void viewWritten(long nanos) {
    viewWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void ratesCalled() {
    ratesCalls.increment();
  }

  public void ratesFailed() {
    ratesFailures.increment();
  }

  /** {@code depth}: the events queue's depth as last read (NaN when unknown); {@code unacked}: this node's. */
  public void eventsQueue(DoubleSupplier depth, DoubleSupplier unacked) {
    gauge("casino.events.queue.depth", "Messages ready in the events queue, read every few seconds (NaN: unknown)", depth);
    gauge("casino.events.unacked", "Messages this node has taken and not yet settled", unacked);
  }

  /** One 0/1 gauge per readiness check, from its last result: {@code broker}, {@code redis}, {@code database}, ... */
  public void readiness(Supplier<Map<String, Boolean>> results) {
    for (String check : results.get().keySet()) {
      Gauge.builder("casino.check.passing", () -> Boolean.TRUE.equals(results.get().get(check)) ? 1 : 0)
          .description("1 when the readiness check passed at its last run (broker, redis, database: reachable)")
          .tag("check", check).register(registry);
    }
  }

  /** {@code ageSeconds}: seconds since this node's current quotes were fetched (NaN: none yet). */
  public void quotes(DoubleSupplier ageSeconds) {
    gauge("casino.quotes.age.seconds", "Age of the exchange rates this node converts with (NaN: none yet)", ageSeconds);
  }

  /** From the node's read copy of the view: ids it remembers and how far it is behind the keeper. */
  public void view(DoubleSupplier rememberedIds, DoubleSupplier lagSeconds) {
    gauge("casino.view.remembered.ids", "Event ids the cluster's view remembers (for counting each once)", rememberedIds);
    gauge("casino.view.lag.seconds", "Age of this node's copy of the view (NaN: no copy yet)", lagSeconds);
  }

  private void gauge(String name, String description, DoubleSupplier value) {
    Gauge.builder(name, value::getAsDouble).description(description).register(registry);
  }

  private static Duration[] millis(long... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofMillis(values[i]);
    }
    return durations;
  }

  /** Stops listening to the JVM's GC notifications. */
  @Override
  public void close() {
    unbind.run();
    registry.close();
  }
}
