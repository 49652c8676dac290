package casino.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.players.PlayerDirectory;
import casino.quotes.RatesUnavailableException;
import casino.testing.TestSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The supervised worker pool: a worker that crashes is restarted and the pool goes on answering. */
class WorkerIT {
  private final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private TestSchema schema;
  private PlayerDirectory players;

  @BeforeEach
  void playersInASchemaOfTheirOwn() throws Exception {
    schema = TestSchema.migrated("worker_it");
    schema.execute("insert into players (id, email, last_signed_in_at) values (10, 'john@example.com', null)");
    players = new PlayerDirectory(schema.database(), blocking);
  }

  @AfterEach
  void stop() throws Exception {
    testKit.shutdownTestKit();
    players.close();
    blocking.shutdownNow();
    schema.close();
  }

  @Test
  void aCrashedWorkerIsRestartedAndAnswersTheNextBatch() {
    // Only EUR events below: the quotes are never asked for.
    Enricher enricher = new Enricher(deadline -> CompletableFuture.failedFuture(new RatesUnavailableException("not used")),
        players, Duration.ofSeconds(60), Clock.systemUTC());
    ActorRef<Worker.Command> pool = testKit.spawn(Worker.pool(1, enricher), "workers");
    TestProbe<Worker.Enriched> crashed = testKit.createTestProbe();
    TestProbe<Worker.Enriched> next = testKit.createTestProbe();
    Instant deadline = Instant.now().plusSeconds(5);

    pool.tell(new Worker.Enrich(null, deadline, crashed.getRef()));   // the worker throws
    CasinoEvent deposit = new CasinoEvent(1, 10, 0, EventType.DEPOSIT, new Money(500, Currency.EUR), false, Instant.now());
    pool.tell(new Worker.Enrich(List.of(deposit), deadline, next.getRef()));

    Worker.Enriched answer = next.receiveMessage(Duration.ofSeconds(10));
    assertEquals(1, answer.results().size());
    EnrichedEvent enriched = answer.results().get(0).enriched();
    assertEquals("john@example.com", enriched.player().email());
    assertEquals(500L, enriched.amountEurCents());
    // The crashed batch is never answered: its asker's timeout dead-letters those events.
    crashed.expectNoMessage(Duration.ofMillis(500));
  }
}
