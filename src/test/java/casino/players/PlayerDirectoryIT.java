package casino.players;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.enrich.Player;
import casino.testing.TcpProxy;
import casino.testing.TestSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Player lookups against PostgreSQL (a schema of the test's own): never cached, retried after an outage. */
class PlayerDirectoryIT {
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private TestSchema schema;

  @BeforeEach
  void schemaWithPlayers() throws Exception {
    schema = TestSchema.migrated("players_it");
    schema.execute("insert into players (id, email, last_signed_in_at) values (1, 'a@example.com', null)");
  }

  @AfterEach
  void dropSchema() throws Exception {
    blocking.shutdownNow();
    schema.close();
  }

  @Test
  void aLaterLookupSeesTheDatabaseAsItIsNow() throws Exception {
    try (PlayerDirectory players = new PlayerDirectory(schema.database(), blocking)) {
      Map<Long, Player> first = find(players, Set.of(1L, 2L));
      assertEquals(new Player(1, "a@example.com", null), first.get(1L));
      assertFalse(first.containsKey(2L), "an unknown player is absent");

      schema.execute("update players set email = 'b@example.com', last_signed_in_at = '2026-01-02T03:04:05Z' where id = 1");
      assertEquals(new Player(1, "b@example.com", Instant.parse("2026-01-02T03:04:05Z")), find(players, Set.of(1L)).get(1L));

      schema.execute("delete from players where id = 1");
      assertFalse(find(players, Set.of(1L)).containsKey(1L), "a deleted player is unknown at once");
    }
  }

  @Test
  void lookupsFailWhileTheDatabaseIsAwayAndSucceedOnceItIsBack() throws Exception {
    try (TcpProxy proxy = TcpProxy.inFrontOf(schema.baseUrl());
         PlayerDirectory players = new PlayerDirectory(schema.at(proxy.jdbcUrl()), blocking)) {
      assertTrue(find(players, Set.of(1L)).containsKey(1L));

      proxy.down();
      ExecutionException away = assertThrows(ExecutionException.class, () -> find(players, Set.of(1L)));
      assertInstanceOf(PlayerDirectory.PlayersUnavailableException.class, away.getCause());
      assertTrue(away.getCause().getMessage().startsWith("player lookup failed: "), away.getCause().getMessage());

      proxy.up();
      Map<Long, Player> back = findWithRetries(players, Duration.ofSeconds(15));
      assertTrue(back != null && back.containsKey(1L), "lookups succeed again once the database is back");
    }
  }

  @Test
  void aDatabaseThatGoesSilentFailsLookupsInTimeAndNewConnectionsServeThemAgain() throws Exception {
    Duration queryTimeout = Duration.ofSeconds(1);
    try (TcpProxy proxy = TcpProxy.inFrontOf(schema.baseUrl());
         PlayerDirectory players = new PlayerDirectory(schema.at(proxy.jdbcUrl()).withQueryTimeout(queryTimeout), blocking)) {
      assertTrue(find(players, Set.of(1L)).containsKey(1L));

      proxy.freeze();
      long started = System.nanoTime();
      ExecutionException silent = assertThrows(ExecutionException.class, () -> find(players, Set.of(1L)));
      long lookupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertInstanceOf(PlayerDirectory.PlayersUnavailableException.class, silent.getCause());
      assertTrue(lookupMs < 5_000, "a lookup on a silent connection took " + lookupMs + " ms");
      started = System.nanoTime();
      assertFalse(players.reachable(), "a silent database is not reachable");
      long readinessMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(readinessMs < 5_000, "the readiness check took " + readinessMs + " ms");

      // The old connections stay silent for good; only new ones can answer.
      proxy.failOver();
      Map<Long, Player> back = findWithRetries(players, Duration.ofSeconds(15));
      assertTrue(back != null && back.containsKey(1L),
          "lookups succeed again on new connections");
      assertTrue(players.reachable());
    }
  }

  /** As the enricher does: retry until the database answers. Null when it never did. */
  private static Map<Long, Player> findWithRetries(PlayerDirectory players, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        return find(players, Set.of(1L));
      } catch (ExecutionException stillBroken) {
        Thread.sleep(100);
      }
    }
    return null;
  }

  private static Map<Long, Player> find(PlayerDirectory players, Set<Long> ids) throws Exception {
    return players.find(ids).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
