package casino.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.deadletter.DeadLetter;
import casino.deadletter.DeadLetterQueue;
import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorFixture;
import casino.testing.ProcessorProcess;
import casino.testing.Rabbitmqctl;
import casino.testing.TcpProxy;
import casino.testing.TestBroker;
import casino.testing.TestSchema;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor (its own JVM) against services that hang rather than fail: it must give up on
 * them in time, and go on by itself once they answer again, without a restart.
 */
class ProcessorRecoveryIT {
  private static final Instant AT = Instant.parse("2022-01-10T12:34:56Z");
  private ProcessorFixture fixture;
  private TestBroker broker;
  private TestSchema schema;
  private SimulatedRatesApi api;
  private Map<String, String> env;
  private long nextId = System.currentTimeMillis() * 1000;

  @BeforeEach
  void start() throws Exception {
    fixture = new ProcessorFixture("recovery");
    broker = fixture.broker;
    api = fixture.api;
    schema = fixture.schema;
    env = fixture.env;
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private CasinoEvent bet(long player, Currency currency) {
    return new CasinoEvent(++nextId, player, 101, EventType.BET, new Money(500, currency), false, AT);
  }

  @Test
  void aRatesApiThatStallsMidAnswerTimesOutAndQuotesComeBackOnceItHeals() throws Exception {
    env.put("RATES_TTL", "3s");
    env.put("RATES_REFRESH_AHEAD", "1s");
    env.put("RATES_REQUEST_TIMEOUT", "1s");
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      CasinoEvent first = bet(10, Currency.USD);
      broker.publish(first);
      assertTrue(processor.awaitLine(first.id(), Duration.ofSeconds(30)).isPresent(), processor.stderr());
      long fetched = System.nanoTime();

      api.mode(SimulatedRatesApi.Mode.STALLED_BODY);
      // Due for refresh (2 s) but still fresh (3 s): this event's lookup starts a refresh into the stall.
      sleepUntil(fetched, Duration.ofMillis(2_300));
      int callsBefore = api.calls();
      broker.publish(bet(10, Currency.USD));
      // Past the TTL: this one needs new quotes, and the API hangs mid-answer.
      sleepUntil(fetched, Duration.ofMillis(3_500));
      CasinoEvent stalled = bet(11, Currency.GBP);
      broker.publish(stalled);
      String reason = awaitDeadLetterOf(stalled).reason();
      assertTrue(api.calls() > callsBefore, "the refresh never reached the API");

      api.mode(SimulatedRatesApi.Mode.OK);
      CasinoEvent healed = bet(12, Currency.NZD);
      broker.publish(healed);
      Optional<JsonNode> line = processor.awaitLine(healed.id(), Duration.ofSeconds(20));
      assertTrue(line.isPresent(), "no line once the API answered again (the stalled event's reason: "
          + reason + ")\n" + processor.stderr());
      assertTrue(line.get().has("amount_eur"), line.get().toString());
      assertTrue(reason.contains("timed out"), reason);
    }
  }

  @Test
  void aDatabaseThatGoesSilentDeadLettersEventsInTimeAndNewConnectionsServeLaterOnes() throws Exception {
    try (TcpProxy proxy = TcpProxy.inFrontOf(schema.baseUrl())) {
      env.put("POSTGRES_URL", schema.at(proxy.jdbcUrl()).url());
      env.put("POSTGRES_QUERY_TIMEOUT", "1s");
      try (ProcessorProcess processor = ProcessorProcess.start(env)) {
        CasinoEvent before = bet(10, Currency.EUR);
        broker.publish(before);
        assertTrue(processor.awaitLine(before.id(), Duration.ofSeconds(30)).isPresent(), processor.stderr());

        proxy.freeze();
        List<CasinoEvent> silent = List.of(bet(10, Currency.EUR), bet(11, Currency.EUR), bet(12, Currency.EUR));
        for (CasinoEvent e : silent) {
          broker.publish(e);
        }
        String deadLetters = broker.settings().deadLetterQueue();
        assertEquals(silent.size(), broker.awaitDepth(deadLetters, silent.size(), Duration.ofSeconds(30)),
            "events that cannot get their player are dead-lettered after the timeout");
        assertEquals(200, processor.get("/health").statusCode(), "the node answers while the database is silent");

        // The frozen connections stay silent for good: only new ones can answer.
        proxy.failOver();
        CasinoEvent after = bet(13, Currency.EUR);
        broker.publish(after);
        // The view keeper's journal went silent with the database too: its write fails at the
        // journal's 10 s deadline and it recovers on fresh connections before this line is written.
        Optional<JsonNode> line = processor.awaitLine(after.id(), Duration.ofSeconds(90));
        assertTrue(line.isPresent(), "no line once the database answered new connections:\n" + processor.stderr());
        assertEquals("rick@example.com", line.get().get("player").get("email").asText(), line.get().toString());
      }
    }
  }

  @Test
  void aConsumerChannelClosedByTheBrokerAloneIsReopened() throws Exception {
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      CasinoEvent before = bet(10, Currency.EUR);
      broker.publish(before);
      assertTrue(processor.awaitLine(before.id(), Duration.ofSeconds(30)).isPresent(), processor.stderr());

      // Only the channel: its connection stays open, as after RabbitMQ's consumer timeout.
      assertEquals(1, Rabbitmqctl.failChannelsOfConnectionNamed("casino-consumer:" + broker.settings().eventsQueue()));
      CasinoEvent after = bet(11, Currency.EUR);
      broker.publish(after);

      assertTrue(processor.awaitLine(after.id(), Duration.ofSeconds(30)).isPresent(),
          "no line after the channel closed:\n" + processor.stderr());
      assertEquals(200, processor.get("/health").statusCode());
    }
  }

  @Test
  void aDeadLetterForADeletedDeadLetterQueueLandsInTheQueueDeclaredAgain() throws Exception {
    String deadLetters = broker.settings().deadLetterQueue();
    try (ProcessorProcess processor = ProcessorProcess.start(env)) {
      // The processor's dead-letter channel is open: the queue is declared when it opens, not after.
      broker.publish(new byte[] {(byte) 0xff});
      assertEquals(1, broker.awaitDepth(deadLetters, 1, Duration.ofSeconds(30)));
      broker.channel().queueDelete(deadLetters);

      byte[] undecodable = {(byte) 0xff, (byte) 0xff};
      broker.publish(undecodable);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (broker.depthIfExists(deadLetters) < 1 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(1, broker.depthIfExists(deadLetters), "the dead letter was lost:\n" + processor.stderr());
      assertArrayEquals(undecodable, broker.drain(deadLetters).get(0).getBody());
      assertEquals(0, broker.depth(broker.settings().eventsQueue()));
    }
  }

  private static void sleepUntil(long since, Duration offset) throws InterruptedException {
    long waitMs = (since + offset.toNanos() - System.nanoTime()) / 1_000_000;
    if (waitMs > 0) {
      Thread.sleep(waitMs);
    }
  }

  /** Waits for the event's dead letter (others may be there too) and leaves the queue as it was. */
  private DeadLetter awaitDeadLetterOf(CasinoEvent event) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (DeadLetterQueue dlq = new DeadLetterQueue(broker.settings())) {
      while (true) {
        List<DeadLetter> letters = dlq.peek(100);
        Optional<DeadLetter> letter = letters.stream()
            .filter(l -> l.event() != null && l.event().id() == event.id()).findFirst();
        if (letter.isPresent()) {
          return letter.get();
        }
        assertTrue(System.nanoTime() < deadline, "event " + event.id() + " was not dead-lettered; "
            + letters.size() + " other dead letter(s)");
        Thread.sleep(200);
      }
    }
  }
}
