package casino.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.domain.WireFormat;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.Scrape;
import casino.testing.TestBroker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a processor in its own JVM: the counters move exactly as the published
 * events did, the gauges settle where the run left the queue and the view.
 */
class MetricsIT {
  private static final List<String> REASONS = List.of("undecodable", "invalid_field", "enrichment_timeout", "permanent", "other");
  private TestBroker broker;
  private SimulatedRatesApi api;

  @BeforeEach
  void start() throws Exception {
    broker = new TestBroker("metrics");
    api = SimulatedRatesApi.start(0);
    api.fixed();
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    broker.close();
  }

  @Test
  void countersMoveExactlyAsTheEventsDid() throws Exception {
    try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(broker, api))) {
      Scrape idle = scrape(processor);
      for (EventType type : EventType.values()) {
        idle.assertValue(0, processed(type));
      }
      REASONS.forEach(reason -> idle.assertValue(0, deadLettered(reason)));
      idle.assertValue(0, "casino_batch_size_count");
      for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
          "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds")) {
        assertTrue(idle.has(family), family + " missing:\n" + idle.text());
      }

      // Two minutes old when published: each one's age at output lies between 60 s and 300 s.
      Instant createdAt = Instant.now().minusSeconds(120);
      Map<EventType, Integer> good = new EnumMap<>(EventType.class);
      int undecodable = 0;
      int invalid = 0;
      long id = System.currentTimeMillis() * 1000;
      for (int n = 0; n < 400; n++) {
        EventType type = EventType.values()[n % 4];
        Money money = type.carriesMoney() ? new Money(100 + n, n % 2 == 0 ? Currency.EUR : Currency.USD) : null;
        broker.publish(new CasinoEvent(++id, 10 + n % 5, type.playedInGame() ? 101 : 0, type, money, false, createdAt));
        good.merge(type, 1, Integer::sum);
        if (n % 80 == 0) {
          broker.publish(new byte[] {0x08, (byte) 0xff});
          undecodable++;
        }
        if (n % 130 == 0) {
          broker.publish(WireFormat.toWire(new CasinoEvent(++id, 10, 101, EventType.GAME_START, null, false, createdAt))
              .toBuilder().setType("spin").build().toByteArray());
          invalid++;
        }
      }
      int messages = 400 + undecodable + invalid;

      // While the events go through: the endpoint answers, and no counter runs ahead of the events.
      Scrape during = scrape(processor);
      for (EventType type : EventType.values()) {
        assertTrue(during.value(processed(type)) <= good.get(type), "during the run:\n" + during.text());
      }

      int wanted = undecodable + invalid;
      Scrape after = awaitScrape(processor, s -> total(s, "casino_events_processed_total") == 400
          && total(s, "casino_events_dead_lettered_total") == wanted
          && s.value("casino_events_queue_depth") == 0 && s.value("casino_events_unacked") == 0
          && s.value("casino_view_remembered_ids") == 400);

      after.assertValue(0, "casino_events_queue_depth");
      after.assertValue(0, "casino_events_unacked");
      after.assertValue(400, "casino_view_remembered_ids");
      good.forEach((type, count) -> after.assertValue(count, processed(type)));
      after.assertValue(undecodable, deadLettered("undecodable"));
      after.assertValue(invalid, deadLettered("invalid_field"));
      List.of("enrichment_timeout", "permanent", "other").forEach(reason -> after.assertValue(0, deadLettered(reason)));
      after.assertValue(messages, "casino_batch_size_sum");                 // every message in one batch
      after.assertValue(messages, "casino_delivery_to_ack_seconds_count");   // and acked once
      after.assertValue(400, "casino_event_age_seconds_count");
      after.assertValue(0, "casino_event_age_seconds_bucket{le=\"60.0\"}");
      after.assertValue(400, "casino_event_age_seconds_bucket{le=\"300.0\"}");
      // Created 60-300 s before they were published: that age was already theirs at delivery.
      after.assertValue(400, "casino_event_age_at_delivery_seconds_count");
      after.assertValue(0, "casino_event_age_at_delivery_seconds_bucket{le=\"60.0\"}");
      after.assertValue(400, "casino_event_age_at_delivery_seconds_bucket{le=\"300.0\"}");
      double writes = after.value("casino_output_write_seconds_count");   // a write per batch with lines in it
      assertTrue(writes >= 1 && writes <= after.value("casino_batch_size_count"), "stdout writes: " + writes);
      assertTrue(api.calls() > 0, "USD amounts needed rates");
      after.assertValue(api.calls(), "casino_rates_api_calls_total");
      after.assertValue(0, "casino_rates_api_failures_total");
      double quotesAge = after.value("casino_quotes_age_seconds");
      assertTrue(quotesAge >= 0 && quotesAge < 60, "quotes within their TTL: " + quotesAge);
      double lag = after.value("casino_view_lag_seconds");
      assertTrue(lag >= 0 && lag < 5, "the view copy follows the keeper: " + lag);
      for (String check : List.of("broker", "redis", "database")) {
        after.assertValue(1, "casino_check_passing{check=\"" + check + "\"}");
      }
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
      assertEquals(wanted, broker.depth(broker.settings().deadLetterQueue()));
    }
  }

  private static String processed(EventType type) {
    return "casino_events_processed_total{type=\"" + type.wireName() + "\"}";
  }

  private static String deadLettered(String reason) {
    return "casino_events_dead_lettered_total{reason=\"" + reason + "\"}";
  }

  /** The sum over every series of a family. */
  private static double total(Scrape scrape, String family) {
    return scrape.samples().entrySet().stream().filter(e -> e.getKey().startsWith(family + "{"))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  private static Scrape scrape(ProcessorProcess processor) throws Exception {
    HttpResponse<String> response = processor.get("/metrics");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("text/plain; version=0.0.4; charset=UTF-8", response.headers().firstValue("content-type").orElse(""));
    return Scrape.of(response.body());
  }

  private static Scrape awaitScrape(ProcessorProcess processor, Predicate<Scrape> settled) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Scrape scrape = scrape(processor);
    while (!settled.test(scrape) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      scrape = scrape(processor);
    }
    return scrape;
  }
}
