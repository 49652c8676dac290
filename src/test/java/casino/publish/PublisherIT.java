package casino.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.domain.CasinoEvent;
import casino.domain.WireFormat;
import casino.testing.JavaProcess;
import casino.testing.TestBroker;
import com.rabbitmq.client.GetResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The publisher against the real local RabbitMQ. */
class PublisherIT {

  @Test
  void everyPublishedEventIsConfirmedAndInTheQueue() throws Exception {
    try (TestBroker broker = new TestBroker("publisher")) {
      int n = 2_000;
      Clock clock = Clock.systemUTC();
      Publisher publisher = new Publisher(broker.settings(), Settings.load().publisher(),
          new EventGenerator(new IdGenerator(1, clock), new SplittableRandom(), clock),
          new PrintStream(new ByteArrayOutputStream()));

      Publisher.Result result = publisher.run(PublisherOptions.parse("--rate", "max", "--count", Integer.toString(n)));

      assertEquals(n, result.sent());
      assertEquals(n, result.confirmed());
      assertTrue(result.allConfirmed());
      assertEquals(n, broker.depth(broker.settings().eventsQueue()));
      List<GetResponse> messages = broker.drain(broker.settings().eventsQueue());
      Set<Long> ids = new HashSet<>();
      for (GetResponse message : messages) {
        assertEquals(2, message.getProps().getDeliveryMode(), "persistent");
        CasinoEvent event = WireFormat.decode(message.getBody());
        assertTrue(ids.add(event.id()), "duplicate id " + event.id());
        assertEquals(Long.toString(event.id()), message.getProps().getMessageId());
      }
      assertEquals(n, ids.size());
    }
  }

  @Test
  void theCommandPublishesItsCountAndExitsZero() throws Exception {
    try (TestBroker broker = new TestBroker("publisher-cli")) {
      JavaProcess process = JavaProcess.start(PublisherMain.class,
          Map.of("EVENTS_QUEUE", broker.settings().eventsQueue(),
              "DEAD_LETTER_QUEUE", broker.settings().deadLetterQueue()),
          "--rate", "max", "--count", "500");

      int status = process.waitFor(Duration.ofSeconds(60));

      assertEquals(0, status, process.stderr());
      assertEquals(500, broker.depth(broker.settings().eventsQueue()));
      assertTrue(process.stderr().contains("confirmed=500"), process.stderr());
      assertEquals("", process.stdout());
    }
  }

  @Test
  void publishersRunningTogetherNeverShareAnId() throws Exception {
    try (TestBroker broker = new TestBroker("publisher-two")) {
      Map<String, String> env = Map.of("EVENTS_QUEUE", broker.settings().eventsQueue(),
          "DEAD_LETTER_QUEUE", broker.settings().deadLetterQueue());
      JavaProcess first = JavaProcess.start(PublisherMain.class, env, "--rate", "max", "--count", "3000");
      JavaProcess second = JavaProcess.start(PublisherMain.class, env, "--rate", "max", "--count", "3000");

      assertEquals(0, first.waitFor(Duration.ofSeconds(60)), first.stderr());
      assertEquals(0, second.waitFor(Duration.ofSeconds(60)), second.stderr());

      Set<Long> ids = new HashSet<>();
      for (GetResponse message : broker.drain(broker.settings().eventsQueue())) {
        ids.add(WireFormat.decode(message.getBody()).id());
      }
      assertEquals(6000, ids.size(), "ids shared between the two publishers");
    }
  }

  @Test
  void stopsOnSigtermAfterItsOutstandingConfirms() throws Exception {
    try (TestBroker broker = new TestBroker("publisher-term")) {
      JavaProcess process = JavaProcess.start(PublisherMain.class,
          Map.of("EVENTS_QUEUE", broker.settings().eventsQueue(),
              "DEAD_LETTER_QUEUE", broker.settings().deadLetterQueue()),
          "--rate", "2000");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (broker.depth(broker.settings().eventsQueue()) < 1000 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }

      process.process().destroy(); // SIGTERM
      int status = process.waitFor(Duration.ofSeconds(30));

      assertEquals(0, status, process.stderr());
      String summary = process.stderr().lines().filter(l -> l.contains("done sent=")).findFirst()
          .orElseThrow(() -> new AssertionError("no summary in:\n" + process.stderr()));
      long sent = Long.parseLong(summary.replaceAll(".*sent=(\\d+).*", "$1"));
      assertTrue(summary.contains("confirmed=" + sent + " unconfirmed=0"), summary);
      assertEquals(sent, broker.depth(broker.settings().eventsQueue()));
    }
  }

  @Test
  void anUnreachableBrokerIsOneClearLineAndANonZeroExit() throws Exception {
    long started = System.nanoTime();
    JavaProcess process = JavaProcess.start(PublisherMain.class,
        Map.of("RABBITMQ_ADDRESS", "amqp://guest:secret@127.0.0.1:1"), "--count", "10");

    int status = process.waitFor(Duration.ofSeconds(20));

    assertEquals(2, status);
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(15).toNanos(), "took too long to give up");
    List<String> lines = process.stderr().lines().toList();
    assertEquals(1, lines.size(), "expected one line, got:\n" + process.stderr());
    assertTrue(lines.get(0).startsWith("publisher: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:1"), lines.get(0));
    assertTrue(!lines.get(0).contains("secret"), "password leaked: " + lines.get(0));
  }

  @Test
  void badOptionsAreRefusedWithUsage() throws Exception {
    JavaProcess process = JavaProcess.start(PublisherMain.class, Map.of(), "--rate", "fast");

    assertEquals(2, process.waitFor(Duration.ofSeconds(20)));
    assertTrue(process.stderr().contains("--rate needs a positive whole number, got \"fast\""), process.stderr());
  }
}
