package casino.players;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.enrich.Player;
import casino.testing.TcpProxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Player lookups against PostgreSQL (a schema of the test's own): never cached, retried after an outage. */
class PlayerDirectoryIT {
  private final Settings.Database base = Settings.load().database();
  private final String schema = "players_it_" + UUID.randomUUID().toString().substring(0, 8);
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private Settings.Database database;

  @BeforeEach
  void schemaWithPlayers() throws Exception {
    sql("create schema " + schema);
    database = inSchema(base.url());
    Migrations.apply(database);
  }

  @AfterEach
  void dropSchema() throws Exception {
    blocking.shutdownNow();
    sql("drop schema " + schema + " cascade");
  }

  @Test
  void aLaterLookupSeesTheDatabaseAsItIsNow() throws Exception {
    sql("insert into " + schema + ".players (id, email, last_signed_in_at) values (1, 'a@example.com', null)");
    try (PlayerDirectory players = new PlayerDirectory(database, blocking)) {
      Map<Long, Player> first = find(players, Set.of(1L, 2L));
      assertEquals(new Player(1, "a@example.com", null), first.get(1L));
      assertFalse(first.containsKey(2L), "an unknown player is absent");

      sql("update " + schema + ".players set email = 'b@example.com', last_signed_in_at = '2026-01-02T03:04:05Z' where id = 1");
      assertEquals(new Player(1, "b@example.com", Instant.parse("2026-01-02T03:04:05Z")), find(players, Set.of(1L)).get(1L));

      sql("delete from " + schema + ".players where id = 1");
      assertFalse(find(players, Set.of(1L)).containsKey(1L), "a deleted player is unknown at once");
    }
  }

  @Test
  void lookupsFailWhileTheDatabaseIsAwayAndSucceedOnceItIsBack() throws Exception {
    sql("insert into " + schema + ".players (id, email, last_signed_in_at) values (1, 'a@example.com', null)");
    URI target = URI.create(base.url().substring("jdbc:".length()));
    try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort());
         PlayerDirectory players = new PlayerDirectory(
             inSchema("jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getPath()), blocking)) {
      assertTrue(find(players, Set.of(1L)).containsKey(1L));

      proxy.down();
      ExecutionException away = assertThrows(ExecutionException.class, () -> find(players, Set.of(1L)));
      assertInstanceOf(PlayerDirectory.PlayersUnavailableException.class, away.getCause());
      assertTrue(away.getCause().getMessage().startsWith("player lookup failed: "), away.getCause().getMessage());

      proxy.up();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      Map<Long, Player> back = null;
      while (back == null && System.nanoTime() < deadline) {
        try {
          back = find(players, Set.of(1L));
        } catch (ExecutionException stillBroken) {
          Thread.sleep(100);   // as the enricher does: retry until the database answers
        }
      }
      assertTrue(back != null && back.containsKey(1L), "lookups succeed again once the database is back");
    }
  }

  private Settings.Database inSchema(String url) {
    return new Settings.Database(url + "?currentSchema=" + schema, base.user(), base.password(), 2, true, false,
        base.migrations());
  }

  private static Map<Long, Player> find(PlayerDirectory players, Set<Long> ids) throws Exception {
    return players.find(ids).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(base.url(), base.user(), base.password());
         Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
