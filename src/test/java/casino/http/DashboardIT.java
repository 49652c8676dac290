package casino.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.domain.CasinoEvent;
import casino.publish.EventGenerator;
import casino.publish.IdGenerator;
import casino.quotes.SimulatedRatesApi;
import casino.testing.Chromium;
import casino.testing.ExpectedView;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The dashboard at {@code /} in a real headless browser (Debian's chromium), against a processor
 * in its own JVM while events flow: it updates by itself, and once the load stops it shows what
 * the API says. Leaves a screenshot in target/dashboard.png.
 */
class DashboardIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEAD_LETTERS = 3;

  /** What the page shows, from the raw values it keeps next to each figure (data-value). */
  private static final String PAGE = """
      (() => {
        const v = id => document.getElementById(id).dataset.value ?? null;
        const chart = document.getElementById('chart');
        return {
          updates: Number(document.body.dataset.updates),
          status: document.getElementById('status').textContent,
          events_total: v('events-total'),
          top_bets: [v('top-bets-player'), v('top-bets')],
          top_wins: [v('top-wins-player'), v('top-wins')],
          top_deposits: [v('top-deposits-player'), v('top-deposits')],
          dead_letters: v('dead-letters'),
          chart_points: chart.dataset.points ?? null,
          chart_events: chart.dataset.events ?? null,
          line_points: document.getElementById('chart-line').getAttribute('points').trim().split(/\\s+/).length,
          members: [...document.querySelectorAll('#members tr')].map(tr => tr.dataset.address + ' ' + tr.dataset.status),
        };
      })()""";

  /** The figures of {@code /materialized}, {@code /dead-letters} and {@code /cluster} as the page keeps them. */
  private static JsonNode expectedPage(ProcessorProcess processor) throws Exception {
    JsonNode view = processor.materialized();
    ObjectNode page = JSON.createObjectNode();
    page.put("events_total", view.get("events_total").asText());
    for (String top : List.of("bets", "wins", "deposits")) {
      JsonNode leader = view.get("top_player_" + top);
      page.putArray("top_" + top).add(leader.get("id").asText()).add(leader.get("count").asText());
    }
    page.put("dead_letters", JSON.readTree(processor.get("/dead-letters").body()).get("dead_letters").asText());
    page.put("chart_events", view.get("events_total").asText());
    var members = page.putArray("members");
    for (JsonNode member : JSON.readTree(processor.get("/cluster").body()).get("members")) {
      members.add(member.get("address").asText() + " " + member.get("status").asText());
    }
    return page;
  }

  /** The page's figures that {@link #expectedPage} names. */
  private static JsonNode figuresOf(JsonNode page) {
    ObjectNode figures = JSON.createObjectNode();
    for (String field : List.of("events_total", "top_bets", "top_wins", "top_deposits", "dead_letters", "chart_events", "members")) {
      figures.set(field, page.get(field));
    }
    return figures;
  }

  @Test
  void theDashboardShowsTheClusterWideViewLiveAndEqualsTheApiOnceTheLoadStops() throws Exception {
    try (TestBroker broker = new TestBroker("dashboard"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      api.fixed();
      try (ProcessorProcess processor = ProcessorProcess.start(ProcessorProcess.environment(broker, api));
          Chromium chromium = Chromium.start(1280, 1000)) {
        for (int i = 0; i < DEAD_LETTERS; i++) {
          broker.publish(new byte[] {0x08, (byte) 0xff});   // undecodable: dead-lettered at once
        }
        List<CasinoEvent> published = new CopyOnWriteArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> publish(broker, published, loading));
        try {
          chromium.open(processor.url("/"));

          // While events flow: the page follows them by itself, about once a second.
          JsonNode before = awaitPage(chromium, page -> page.get("updates").asInt() >= 1
              && page.get("events_total").asLong() > 0, Duration.ofSeconds(30));
          Thread.sleep(6_000);
          JsonNode after = chromium.evaluate(PAGE);
          int updates = after.get("updates").asInt() - before.get("updates").asInt();
          assertTrue(updates >= 4, "the page updated " + updates + " times in 6 s");
          assertTrue(after.get("events_total").asLong() > before.get("events_total").asLong(),
              "the page did not follow the events: " + before + " then " + after);
          assertTrue(after.get("status").asText().startsWith("updated "), after.toString());
        } finally {
          loading.set(false);
          load.get(30, TimeUnit.SECONDS);
        }

        // The load stopped: once everything is counted, the page shows the API's figures.
        broker.awaitDrained(Duration.ofSeconds(60));
        ExpectedView expected = ExpectedView.of(published);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!expected.matches(processor.materialized()) && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        expected.assertMatches("processor", processor.materialized());
        assertEquals(DEAD_LETTERS, broker.depth(broker.settings().deadLetterQueue()));
        JsonNode want = expectedPage(processor);
        assertEquals(Integer.toString(DEAD_LETTERS), want.get("dead_letters").asText(), "/dead-letters");
        JsonNode page = awaitPage(chromium, p -> figuresOf(p).equals(want), Duration.ofSeconds(10));
        chromium.screenshot(Path.of("target", "dashboard.png"));

        assertEquals(want, figuresOf(page));
        assertEquals(1, page.get("members").size(), page.toString());
        assertTrue(page.get("members").get(0).asText().endsWith(" Up"), page.toString());
        assertEquals("300", page.get("chart_points").asText(), "five minutes of seconds");
        assertEquals(300, page.get("line_points").asInt(), "points of the line drawn");
      }
    }
  }

  /** Publishes generated events (dated as they are published) at about 200 a second until told to stop. */
  private static void publish(TestBroker broker, List<CasinoEvent> published, AtomicBoolean loading) {
    EventGenerator generator = new EventGenerator(new IdGenerator(62, Clock.systemUTC()), new SplittableRandom(21),
        Clock.systemUTC());
    try {
      while (loading.get()) {
        for (int i = 0; i < 20; i++) {
          CasinoEvent event = generator.next();
          broker.publish(event);
          published.add(event);
        }
        Thread.sleep(100);
      }
    } catch (Exception e) {
      throw new IllegalStateException("publishing failed", e);
    }
  }

  /** The page once {@code shown} holds for it; the last page seen when it does not within the timeout. */
  private static JsonNode awaitPage(Chromium chromium, java.util.function.Predicate<JsonNode> shown, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode page = chromium.evaluate(PAGE);
    while (!shown.test(page) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      page = chromium.evaluate(PAGE);
    }
    return page;
  }
}
