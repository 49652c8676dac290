package casino.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.EventType;
import casino.testing.Scrape;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What operators read: each meter under its Prometheus name, with exactly what was recorded. */
class MetricsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final Metrics metrics = Metrics.prometheus();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void countersByTypeAndReasonClassStartAtZeroAndCountEachEvent() {
    Scrape before = Scrape.of(metrics.scrape());
    for (EventType type : EventType.values()) {
      before.assertValue(0, "casino_events_processed_total{type=\"" + type.wireName() + "\"}");
    }
    for (String reason : List.of("undecodable", "invalid_field", "enrichment_timeout", "permanent", "other")) {
      before.assertValue(0, "casino_events_dead_lettered_total{reason=\"" + reason + "\"}");
    }

    metrics.processed(EventType.BET);
    metrics.processed(EventType.BET);
    metrics.processed(EventType.GAME_STOP);
    metrics.deadLettered("undecodable payload: Protocol message contained an invalid tag (zero).");
    metrics.deadLettered("unknown type \"spin\"");
    metrics.deadLettered("not enriched within the timeout: rates API at http://localhost:1 unreachable: timed out after PT3S");
    metrics.deadLettered("amount 5 BTC has no EUR value in range at quote 1E-30");
    metrics.deadLettered("no answer from the worker pool: Ask timed out");
    metrics.ratesCalled();
    metrics.ratesCalled();
    metrics.ratesFailed();

    Scrape after = Scrape.of(metrics.scrape());
    after.assertValue(2, "casino_events_processed_total{type=\"bet\"}");
    after.assertValue(1, "casino_events_processed_total{type=\"game_stop\"}");
    after.assertValue(0, "casino_events_processed_total{type=\"deposit\"}");
    for (String reason : List.of("undecodable", "invalid_field", "enrichment_timeout", "permanent", "other")) {
      after.assertValue(1, "casino_events_dead_lettered_total{reason=\"" + reason + "\"}");
    }
    after.assertValue(2, "casino_rates_api_calls_total");
    after.assertValue(1, "casino_rates_api_failures_total");
  }

  @Test
  void batchesAcksAndAgesAreHistograms() {
    metrics.batch(3);
    metrics.batch(250);
    metrics.acked(1_000_000_000L, 1_030_000_000L);   // 30 ms
    metrics.acked(0, 4_000_000_000L);                // 4 s
    metrics.written(NOW.minusSeconds(2), NOW.minusMillis(1_980), NOW);   // delivered 20 ms after it was created
    metrics.written(NOW.plusSeconds(1), NOW, NOW);    // a clock ahead of ours: age 0
    metrics.outputWritten(3_000_000L);               // 3 ms
    metrics.outputWritten(300_000_000L);             // 300 ms: a pipe that held the output up

    Scrape scrape = Scrape.of(metrics.scrape());
    scrape.assertValue(2, "casino_batch_size_count");
    scrape.assertValue(253, "casino_batch_size_sum");
    scrape.assertValue(1, "casino_batch_size_bucket{le=\"5.0\"}");
    scrape.assertValue(2, "casino_batch_size_bucket{le=\"250.0\"}");
    scrape.assertValue(2, "casino_delivery_to_ack_seconds_count");
    scrape.assertValue(4.03, "casino_delivery_to_ack_seconds_sum");
    scrape.assertValue(0, "casino_delivery_to_ack_seconds_bucket{le=\"0.025\"}");
    scrape.assertValue(1, "casino_delivery_to_ack_seconds_bucket{le=\"0.05\"}");
    scrape.assertValue(2, "casino_delivery_to_ack_seconds_bucket{le=\"5.0\"}");
    scrape.assertValue(2, "casino_event_age_seconds_count");
    scrape.assertValue(2, "casino_event_age_seconds_sum");
    scrape.assertValue(1, "casino_event_age_seconds_bucket{le=\"0.01\"}");
    scrape.assertValue(2, "casino_event_age_seconds_bucket{le=\"2.5\"}");
    scrape.assertValue(2, "casino_event_age_at_delivery_seconds_count");
    scrape.assertValue(0.02, "casino_event_age_at_delivery_seconds_sum");
    scrape.assertValue(1, "casino_event_age_at_delivery_seconds_bucket{le=\"0.01\"}");
    scrape.assertValue(2, "casino_event_age_at_delivery_seconds_bucket{le=\"0.025\"}");
    scrape.assertValue(1, "casino_event_age_seconds_bucket{le=\"0.025\"}");
    scrape.assertValue(2, "casino_output_write_seconds_count");
    scrape.assertValue(0.303, "casino_output_write_seconds_sum");
    scrape.assertValue(1, "casino_output_write_seconds_bucket{le=\"0.005\"}");
    scrape.assertValue(1, "casino_output_write_seconds_bucket{le=\"0.25\"}");
    scrape.assertValue(2, "casino_output_write_seconds_bucket{le=\"1.0\"}");
    scrape.assertValue(0.3, "casino_output_write_seconds_max");
  }

  @Test
  void gaugesReadTheirSourcesAtEachScrape() {
    AtomicLong depth = new AtomicLong(7);
    Map<String, Boolean> checks = new LinkedHashMap<>(Map.of("broker", true, "redis", false, "database", true));
    metrics.eventsQueue(depth::get, () -> 3);
    metrics.readiness(() -> new LinkedHashMap<>(checks));
    metrics.quotes(() -> Double.NaN);
    metrics.view(() -> 42, () -> 0.25);

    Scrape first = Scrape.of(metrics.scrape());
    first.assertValue(7, "casino_events_queue_depth");
    first.assertValue(3, "casino_events_unacked");
    first.assertValue(1, "casino_check_passing{check=\"broker\"}");
    first.assertValue(0, "casino_check_passing{check=\"redis\"}");
    first.assertValue(1, "casino_check_passing{check=\"database\"}");
    assertTrue(Double.isNaN(first.value("casino_quotes_age_seconds")), "no quotes yet: NaN");
    first.assertValue(42, "casino_view_remembered_ids");
    first.assertValue(0.25, "casino_view_lag_seconds");

    depth.set(0);
    checks.put("redis", true);
    Scrape second = Scrape.of(metrics.scrape());
    second.assertValue(0, "casino_events_queue_depth");
    second.assertValue(1, "casino_check_passing{check=\"redis\"}");
  }

  @Test
  void theJvmIsThere() {
    Scrape scrape = Scrape.of(metrics.scrape());
    for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
        "process_cpu_usage", "system_cpu_count", "process_uptime_seconds")) {
      assertTrue(scrape.has(family), family + " missing:\n" + scrape.text());
    }
    assertTrue(scrape.value("jvm_threads_live_threads") > 0);
  }

  @Test
  void componentsWithoutAnEndpointCountInMemory() {
    Metrics inMemory = Metrics.inMemory();
    inMemory.processed(EventType.DEPOSIT);

    assertEquals(1, inMemory.registry().get("casino.events.processed").tag("type", "deposit").counter().count());
    assertEquals("", inMemory.scrape());
  }
}
