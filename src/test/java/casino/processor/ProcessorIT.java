package casino.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.deadletter.DeadLetter;
import casino.deadletter.DeadLetterQueue;
import casino.deadletter.DeadLetters;
import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.domain.WireFormat;
import casino.enrich.AmountConverter;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorFixture;
import casino.testing.ProcessorProcess;
import casino.testing.Rabbitmqctl;
import casino.testing.TcpProxy;
import casino.testing.TestBroker;
import casino.testing.TestSchema;
import casino.wire.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor end to end: its own JVM, real RabbitMQ, Redis and PostgreSQL, the rates stand-in. */
class ProcessorIT {
  private static final Instant AT = Instant.parse("2022-01-10T12:34:56Z");
  /**
   * For events queued before the processor starts: the first of them wait for the quote cache,
   * which comes up with the cluster, seconds after the stream on a busy machine.
   */
  private static final String QUEUED_BEFORE_START_TIMEOUT = "30s";
  /**
   * For runs a test interrupts: with the default window a processor drained the 30,000 events
   * in about half a second once its quotes came, sometimes before the test, on the same busy
   * cores, saw its first 1,000 lines; a window of 300 holds it to a few seconds.
   */
  private static final String INTERRUPTED_RUN_PREFETCH = "300";
  private ProcessorFixture fixture;
  private TestBroker broker;
  private SimulatedRatesApi api;
  private TestSchema schema;
  private Map<String, String> env;
  private long nextId = System.currentTimeMillis() * 1000;

  @BeforeEach
  void start() throws Exception {
    fixture = new ProcessorFixture("processor");
    broker = fixture.broker;
    api = fixture.api;
    schema = fixture.schema;
    env = fixture.env;
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private CasinoEvent event(EventType type, long player, Money money, boolean won) {
    return new CasinoEvent(++nextId, player, type.playedInGame() ? 101 : 0, type, money, won, AT);
  }

  private static long expectedEur(Money money) {
    return money.currency() == Currency.EUR ? money.minorUnits()
        : AmountConverter.toEurCents(money, SimulatedRatesApi.baseQuote("EUR" + money.currency()));
  }

  @Test
  void everyEventIsEnrichedWrittenOnceAndCounted() throws Exception {
    List<CasinoEvent> events = new ArrayList<>();
    for (Currency currency : Currency.values()) {
      for (long player : new long[] {10, 19}) {
        events.add(event(EventType.BET, player, new Money(currency == Currency.BTC ? 50_000 : 500, currency), false));
        events.add(event(EventType.DEPOSIT, player, new Money(currency == Currency.BTC ? 99_999 : 1_999, currency), false));
      }
    }
    events.add(event(EventType.BET, 11, new Money(500, Currency.USD), true));
    events.add(event(EventType.GAME_START, 12, null, false));
    events.add(event(EventType.GAME_STOP, 19, null, false));
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      assertEquals(200, processor.management("/health/ready").statusCode(), "ready by /ready, ready for orchestrators");
      for (CasinoEvent e : events) {
        broker.publish(e);
      }
      List<JsonNode> lines = processor.awaitOutput(events.size(), Duration.ofSeconds(60));
      awaitTotal(processor, events.size());
      broker.publish(events.get(0)); // a duplicate publish: counted once, and not written again (SPEC 5)
      long drained = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((broker.depth(broker.settings().eventsQueue()) > 0 || Rabbitmqctl.unacknowledged(broker.settings().eventsQueue()) > 0)
          && System.nanoTime() < drained) {
        Thread.sleep(100);
      }
      Thread.sleep(500);
      lines = processor.output();

      assertEquals(events.size(), lines.size(), processor.stderr());
      Map<Long, JsonNode> byId = new HashMap<>();
      lines.forEach(l -> byId.put(l.get("id").asLong(), l));
      for (CasinoEvent e : events) {
        JsonNode line = byId.get(e.id());
        assertTrue(line != null, "no output for " + e);
        assertEquals(e.type().wireName(), line.get("type").asText());
        if (e.money() != null) {
          assertEquals(expectedEur(e.money()), line.get("amount_eur").asLong(), line.toString());
          assertEquals(e.money().minorUnits(), line.get("amount").asLong());
        } else {
          assertFalse(line.has("amount_eur"));
        }
        if (e.playerId() == 19) {
          assertFalse(line.has("player"), "unknown player must have no player: " + line);
          assertTrue(line.get("description").asText().startsWith("Player #19 "), line.toString());
        } else {
          assertTrue(line.get("player").get("email").asText().endsWith("@example.com"), line.toString());
        }
      }
      assertEquals("Player #10 (john@example.com) placed a bet of 5 USD (4.68 EUR) on a game \"It's bananas!\" on January 10th, 2022 at 12:34 UTC.",
          byId.get(events.stream().filter(e -> e.playerId() == 10 && e.money() != null && e.money().currency() == Currency.USD
              && e.type() == EventType.BET).findFirst().orElseThrow().id()).get("description").asText());
      JsonNode btcDeposit = byId.get(events.stream().filter(e -> e.type() == EventType.DEPOSIT
          && e.money().currency() == Currency.BTC && e.playerId() == 10).findFirst().orElseThrow().id());
      assertEquals("Player #10 (john@example.com) made a deposit of 0.00099999 BTC (61.84 EUR) on January 10th, 2022 at 12:34 UTC.",
          btcDeposit.get("description").asText());
      assertTrue(processor.stderr().contains("unknown player 19"), "no warning for the unknown player");
      assertEquals(1, api.calls(), "one rates fetch for all events");

      awaitTotal(processor, events.size());
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
      assertEquals(0, broker.depth(broker.settings().deadLetterQueue()));
    }
  }

  @Test
  void poisonMessagesAreDeadLetteredAtOnceWithReasonsAndThePipelineGoesOn() throws Exception {
    Event valid = WireFormat.toWire(event(EventType.BET, 10, new Money(300, Currency.EUR), false));
    Map<String, byte[]> poison = new java.util.LinkedHashMap<>();
    poison.put("undecodable payload", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    poison.put("unknown type \"cashout\"", valid.toBuilder().setId(++nextId).setType("cashout").build().toByteArray());
    poison.put("unknown currency \"JPY\"", valid.toBuilder().setId(++nextId).setCurrency("JPY").build().toByteArray());
    poison.put("negative amount: -1", valid.toBuilder().setId(++nextId).setAmount(-1).build().toByteArray());
    poison.put("bet without currency", valid.toBuilder().setId(++nextId).clearCurrency().build().toByteArray());
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      long started = System.nanoTime();
      for (byte[] body : poison.values()) {
        broker.publish(body);
      }
      broker.publish(valid.toByteArray());

      List<JsonNode> lines = processor.awaitOutput(1, Duration.ofSeconds(30));
      awaitDepth(broker.settings().deadLetterQueue(), poison.size());
      long tookMs = (System.nanoTime() - started) / 1_000_000;

      assertEquals(1, lines.size());
      assertEquals(valid.getId(), lines.get(0).get("id").asLong());
      assertTrue(tookMs < 2_000, "poison waited for the enrichment timeout: " + tookMs + " ms");
      List<GetResponse> dead = broker.drain(broker.settings().deadLetterQueue());
      Map<String, byte[]> byReason = new HashMap<>();
      for (GetResponse d : dead) {
        Map<String, Object> headers = d.getProps().getHeaders();
        assertEquals(broker.settings().eventsQueue(), headers.get(DeadLetters.ORIGINAL_QUEUE).toString());
        assertTrue(Instant.parse(headers.get(DeadLetters.AT).toString()).isAfter(Instant.now().minusSeconds(60)));
        String reason = headers.get(DeadLetters.REASON).toString();
        byReason.put(poison.keySet().stream().filter(reason::startsWith).findFirst()
            .orElseThrow(() -> new AssertionError("unexpected reason " + reason)), d.getBody());
      }
      assertEquals(poison.keySet(), byReason.keySet());
      poison.forEach((reason, body) -> assertTrue(java.util.Arrays.equals(body, byReason.get(reason)), "body changed: " + reason));
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
    }
  }

  @Test
  void ratesApiDownSendsEventsToTheDeadLetterQueueAfterTheTimeoutAndReplayProcessesThem() throws Exception {
    api.mode(SimulatedRatesApi.Mode.DOWN);
    List<CasinoEvent> waiting = List.of(
        event(EventType.BET, 10, new Money(500, Currency.USD), false),
        event(EventType.DEPOSIT, 11, new Money(700, Currency.GBP), false));
    CasinoEvent euro = event(EventType.BET, 12, new Money(300, Currency.EUR), false);
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      for (CasinoEvent e : waiting) {
        broker.publish(e);
      }
      broker.publish(euro); // needs no rate: passes while the API is down

      awaitDepth(broker.settings().deadLetterQueue(), waiting.size());
      // In a batch with the waiting events, the EUR line is written after their dead letters are confirmed.
      assertEquals(1, processor.awaitOutput(1, Duration.ofSeconds(10)).size());
      try (DeadLetterQueue dlq = new DeadLetterQueue(broker.settings())) {
        List<DeadLetter> letters = dlq.peek(10);
        assertEquals(2, letters.size());
        for (DeadLetter letter : letters) {
          assertTrue(letter.reason().contains("not enriched within the timeout"), letter.reason());
          assertTrue(letter.reason().contains("HTTP 503"), letter.reason());
          assertFalse(letter.reason().contains("test-key"), "access key in a reason: " + letter.reason());
        }
        assertEquals(waiting.stream().map(CasinoEvent::id).collect(Collectors.toSet()),
            letters.stream().map(l -> l.event().id()).collect(Collectors.toSet()));

        api.mode(SimulatedRatesApi.Mode.OK);
        CasinoEvent later = event(EventType.BET, 13, new Money(900, Currency.NZD), false);
        broker.publish(later);
        assertEquals(2, processor.awaitOutput(2, Duration.ofSeconds(30)).size(), "later events pass once the API is back");

        assertEquals(2, dlq.replay(100));
        assertEquals(0, dlq.count());
      }
      List<JsonNode> lines = processor.awaitOutput(4, Duration.ofSeconds(30));
      assertEquals(4, lines.size());
      Set<Long> ids = lines.stream().map(l -> l.get("id").asLong()).collect(Collectors.toSet());
      assertTrue(ids.containsAll(waiting.stream().map(CasinoEvent::id).toList()), "replayed events not processed");
      awaitTotal(processor, 4);
    }
  }

  @Test
  void startsWithRedisAwayReportsNotReadyAndDeadLettersWhatNeedsRates() throws Exception {
    env.put("REDIS_ADDRESS", "127.0.0.1:1");
    try (ProcessorProcess processor = ProcessorProcess.startAlive(env)) {
      // The checks run in the background: the broker's first answer may still be on its way.
      var ready = processor.get("/ready");
      for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          !ready.body().contains("\"broker\":true") && System.nanoTime() < deadline; ready = processor.get("/ready")) {
        Thread.sleep(100);
      }
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("\"redis\":false"), ready.body());
      // What orchestrators probe (Pekko Management) says the same; the node is an Up member all the same.
      var orchestrators = processor.management("/health/ready");
      assertEquals(500, orchestrators.statusCode(), orchestrators.body());   // Pekko Management answers 500 when a check fails
      assertTrue(orchestrators.body().startsWith("Not Healthy"), orchestrators.body());
      assertEquals(java.util.Map.of("Up", 1L), processor.members().values().stream()
          .collect(Collectors.groupingBy(status -> status, Collectors.counting())));
      assertTrue(ready.body().contains("\"broker\":true"), ready.body());

      CasinoEvent euro = event(EventType.BET, 10, new Money(300, Currency.EUR), false);
      CasinoEvent dollar = event(EventType.BET, 10, new Money(300, Currency.USD), false);
      broker.publish(euro);
      broker.publish(dollar);

      awaitDepth(broker.settings().deadLetterQueue(), 1);
      List<JsonNode> lines = processor.awaitOutput(1, Duration.ofSeconds(10));
      assertEquals(1, lines.size());
      assertEquals(euro.id(), lines.get(0).get("id").asLong(), "an event in EUR needs no rate");
      try (DeadLetterQueue dlq = new DeadLetterQueue(broker.settings())) {
        DeadLetter letter = dlq.peek(1).get(0);
        assertEquals(dollar.id(), letter.event().id());
        assertTrue(letter.reason().contains("Redis"), letter.reason());
      }
    }
  }

  @Test
  void eventsWaitWhileTheDatabaseIsAwayAndPassOnceItIsBack() throws Exception {
    try (TcpProxy proxy = TcpProxy.inFrontOf(Settings.load().database().url())) {
      env.put("POSTGRES_URL", schema.at(proxy.jdbcUrl()).url());
      env.put("ENRICHMENT_TIMEOUT", "20s");
      try (ProcessorProcess processor = ProcessorProcess.start(env)) {
        proxy.down();
        CasinoEvent bet = event(EventType.BET, 10, new Money(300, Currency.EUR), false);
        broker.publish(bet);

        Thread.sleep(3_000);
        assertEquals(0, processor.output().size(), "no line while the player cannot be looked up");
        assertEquals(0, broker.depth(broker.settings().deadLetterQueue()), "retried, not dead-lettered, within the timeout");

        proxy.up();
        List<JsonNode> lines = processor.awaitOutput(1, Duration.ofSeconds(20));
        assertEquals(1, lines.size());
        assertEquals(bet.id(), lines.get(0).get("id").asLong());
        assertEquals("john@example.com", lines.get(0).get("player").get("email").asText());
        assertEquals(0, broker.depth(broker.settings().deadLetterQueue()));
      }
    }
  }

  @Test
  void aProcessorKilledMidRunLosesNothingAndItsSuccessorCountsEachIdOnce() throws Exception {
    int n = 30_000;
    interruptedRun();
    Set<Long> published = broker.publishGenerated(n, 7, 3);
    Set<Long> seen = new HashSet<>();
    try (ProcessorProcess first = ProcessorProcess.start(env)) {
      first.awaitLines(1_000, Duration.ofSeconds(60));
      first.kill();
      first.output().forEach(l -> seen.add(l.get("id").asLong()));
    }
    assertTrue(seen.size() < n, "the first processor wrote all " + n + " before it was killed; nothing was tested");
    try (ProcessorProcess second = ProcessorProcess.start(env)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Set<Long> all = new HashSet<>(seen);
      Set<Long> secondIds = new HashSet<>();
      while (all.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(200);
        second.output().forEach(l -> secondIds.add(l.get("id").asLong()));
        all.addAll(secondIds);
      }
      assertEquals(published, all, "every published id appears in the output at least once");
      // The view is the cluster's and durable: the successor serves what the first counted too.
      awaitTotal(second, n);
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
    }
  }

  @Test
  void sigtermDrainsAndExitsZero() throws Exception {
    int n = 30_000;
    interruptedRun();
    broker.publishGenerated(n, 8, 4);
    ProcessorProcess processor = ProcessorProcess.start(env);
    processor.awaitLines(1_000, Duration.ofSeconds(60));

    int status = processor.terminate(Duration.ofSeconds(40));

    assertEquals(0, status, processor.stderr());
    Set<Long> written = processor.output().stream().map(l -> l.get("id").asLong()).collect(Collectors.toSet());
    assertTrue(written.size() < n, "all " + n + " events were written before SIGTERM; the drain was not tested");
    Thread.sleep(500);
    // Whatever was written was acked; whatever was not is still queued: nothing lost, nothing twice.
    assertEquals(n - written.size(), broker.depth(broker.settings().eventsQueue()),
        "dead letters: " + broker.depth(broker.settings().deadLetterQueue()) + "; stderr:\n" + processor.stderr());
    assertTrue(processor.stderr().contains("draining"), processor.stderr());
  }

  /** For a run the test interrupts, queued before the processor starts. */
  private void interruptedRun() {
    env.put("ENRICHMENT_TIMEOUT", QUEUED_BEFORE_START_TIMEOUT);
    env.put("RABBITMQ_PREFETCH", INTERRUPTED_RUN_PREFETCH);
  }

  private void awaitDepth(String queue, long depth) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (broker.depth(queue) < depth && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(depth, broker.depth(queue));
  }

  private static void awaitTotal(ProcessorProcess processor, long total) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline && (seen = processor.materialized().get("events_total").asLong()) != total) {
      Thread.sleep(100);
    }
    assertEquals(total, seen, "events_total");
  }

}
