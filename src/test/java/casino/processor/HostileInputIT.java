package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.deadletter.DeadLetters;
import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.domain.WireFormat;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.Rabbitmqctl;
import casino.testing.TestBroker;
import casino.wire.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Messages that used to stop a processor (and every processor after it): among good events,
 * each is dead-lettered with a reason naming its field, and everything else passes.
 */
class HostileInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private TestBroker broker;
  private SimulatedRatesApi api;
  private Map<String, String> env;

  @BeforeEach
  void start() throws Exception {
    broker = new TestBroker("hostile");
    api = SimulatedRatesApi.start(0);
    api.fixed();
    env = ProcessorProcess.environment(broker, api);
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    broker.close();
  }

  @Test
  void hostileMessagesAmongGoodEventsAreDeadLetteredAndEveryGoodEventPasses() throws Exception {
    long id = System.currentTimeMillis() * 1000;
    Instant now = Instant.now();
    Event template = WireFormat.toWire(new CasinoEvent(1, 10, 101, EventType.GAME_START, null, false, now));
    Map<String, byte[]> hostile = new LinkedHashMap<>();
    // A producer that wrote nanoseconds: this one used to shut every processor down with status 0.
    hostile.put("created_at 40000000000000000", template.toBuilder().setId(++id).clearCreatedAtMs()
        .setCreatedAt(40_000_000_000_000_000L).build().toByteArray());
    // Representable, but used to overflow the view's arithmetic and stop the view.
    hostile.put("created_at 10000000000000000", template.toBuilder().setId(++id).clearCreatedAtMs()
        .setCreatedAt(10_000_000_000_000_000L).build().toByteArray());
    hostile.put("created_at_ms", template.toBuilder().setId(++id).setCreatedAtMs(Long.MAX_VALUE).build().toByteArray());
    // Used to overflow the EUR conversion and dead-letter its whole batch after the timeout.
    hostile.put("amount 9223372036854775807", template.toBuilder().setId(++id).setType("bet").setCurrency("USD")
        .setAmount(Long.MAX_VALUE).build().toByteArray());
    hostile.put("unknown type", template.toBuilder().setId(++id).setType("x".repeat(200_000)).build().toByteArray());
    hostile.put("undecodable payload", new byte[] {0x08, (byte) 0xff});

    Set<Long> good = new HashSet<>();
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      int n = 0;
      for (byte[] body : hostile.values()) {
        for (int i = 0; i < 500; i++, n++) {
          EventType type = EventType.values()[n % 4];
          CasinoEvent event = new CasinoEvent(++id, 10 + n % 10, type.playedInGame() ? 100 + n % 10 : 0, type,
              type.carriesMoney() ? new Money(n, Currency.values()[n % 5]) : null, false, now);
          good.add(event.id());
          broker.publish(event);
        }
        broker.publish(body);
      }

      List<JsonNode> lines = processor.awaitOutput(good.size(), Duration.ofSeconds(60));
      awaitDepth(broker.settings().deadLetterQueue(), hostile.size());

      Set<Long> written = new HashSet<>();
      lines.forEach(line -> written.add(line.get("id").asLong()));
      assertEquals(good, written, "every good event is written, and nothing else");
      List<GetResponse> dead = broker.drain(broker.settings().deadLetterQueue());
      Set<String> reasons = new HashSet<>();
      for (GetResponse letter : dead) {
        String reason = letter.getProps().getHeaders().get(DeadLetters.REASON).toString();
        assertTrue(reason.length() < 400, "the reason is short: " + reason.length());
        reasons.add(hostile.keySet().stream().filter(reason::startsWith).findFirst()
            .orElseThrow(() -> new AssertionError("unexpected reason: " + reason)));
      }
      assertEquals(hostile.keySet(), reasons);
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (processor.materialized().get("events_total").asLong() < good.size() && System.nanoTime() < deadline) {
        Thread.sleep(100);   // the node's copy of the view follows the keeper within a moment
      }
      assertEquals(good.size(), processor.materialized().get("events_total").asLong(), "every good event counted");
      assertEquals(200, processor.get("/materialized?window_size=3600").statusCode());
      assertEquals(200, processor.get("/ready").statusCode(), processor.get("/ready").body());
    }
  }

  @Test
  void aProcessorThatCannotWriteItsOutputExitsWithAFailureStatus() throws Exception {
    try (ProcessorProcess processor = ProcessorProcess.startWithStdoutClosed(env)) {
      broker.publish(WireFormat.encode(new CasinoEvent(System.currentTimeMillis(), 10, 100, EventType.GAME_START, null, false,
          Instant.now())));

      int status = processor.awaitExit(Duration.ofSeconds(60));

      assertEquals(1, status, "a stream failure is a failure exit:\n" + processor.stderr());
      assertEquals(1, broker.depth(broker.settings().eventsQueue()), "the event was not acked: it waits for another node");
    }
  }

  @Test
  void aProcessorWhoseOutputIsNotReadGoesOnAnsweringAcksOnlyWhatIsWrittenAndWritesEverythingOnceRead() throws Exception {
    int n = 3_000;   // lines of about 300 bytes: many times the 64 KiB a pipe holds
    String queue = broker.settings().eventsQueue();
    Set<Long> published = new HashSet<>();
    try (ProcessorProcess processor = ProcessorProcess.startWithStdoutUnread(env)) {
      long id = System.currentTimeMillis() * 1000;
      Instant now = Instant.now();
      for (int i = 0; i < n; i++) {
        CasinoEvent event = new CasinoEvent(++id, 10 + i % 10, 100 + i % 10, EventType.GAME_START, null, false, now);
        published.add(event.id());
        broker.publish(event);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (broker.depth(queue) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(0, broker.depth(queue), "every event delivered (the prefetch window holds them all)");

      // The output is blocked on the full pipe: the node still answers (within the client's 5 s),
      // and what is not written is neither counted nor acked.
      assertEquals(200, processor.get("/health").statusCode());
      long counted = processor.materialized().get("events_total").asLong();
      assertTrue(counted < n / 2, "only events whose lines are out are counted: " + counted);
      assertTrue(Rabbitmqctl.unacknowledged(queue) > n / 2, "events not written are not acked");

      Set<Long> written = new HashSet<>();
      ExecutorService reader = Executors.newSingleThreadExecutor();
      try {
        Future<?> reading = reader.submit(() -> {
          BufferedReader lines = new BufferedReader(new InputStreamReader(processor.stdoutPipe(), StandardCharsets.UTF_8));
          for (String line; written.size() < n && (line = lines.readLine()) != null; ) {
            assertTrue(written.add(JSON.readTree(line).get("id").asLong()), "one line per event: " + line);
          }
          return null;
        });
        reading.get(60, TimeUnit.SECONDS);
      } finally {
        reader.shutdownNow();
      }
      assertEquals(published, written, "once read, every event is written");
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Rabbitmqctl.unacknowledged(queue) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(0, Rabbitmqctl.unacknowledged(queue), "and acked");
      deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (processor.materialized().get("events_total").asLong() < n && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(n, processor.materialized().get("events_total").asLong(), "and counted");
    }
  }

  private void awaitDepth(String queue, long depth) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (broker.depth(queue) < depth && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(depth, broker.depth(queue));
  }
}
