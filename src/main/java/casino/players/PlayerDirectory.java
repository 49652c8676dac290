package casino.players;

import static casino.players.db.Tables.PLAYERS;

import casino.concurrent.Failures;
import casino.enrich.Player;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Looks players up in PostgreSQL for every event. Lookups that arrive while a query is under
 * way are gathered into the next query ({@code id = any(?)}); nothing is kept from one query
 * to the next, so a later event always sees the database as it is.
 */
public final class PlayerDirectory implements AutoCloseable {
  /** Lookups (each the players of a batch of events) gathered into one query at most. */
  private static final int MAX_LOOKUPS = 32;

  private record Lookup(Set<Long> ids, CompletableFuture<Map<Long, Player>> result) {}

  private final HikariDataSource dataSource;
  private final DSLContext sql;
  /** The lookup's SQL, rendered once: rendering it anew for every query cost almost as much CPU as running it. */
  private final String lookupSql;
  private final Executor blocking;
  private final int maxQueries;
  private final ConcurrentLinkedQueue<Lookup> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicInteger queriesRunning = new AtomicInteger();

  public PlayerDirectory(casino.config.Settings.Database settings, Executor blocking) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setPoolName("players");
    config.setConnectionTimeout(2_000);
    timeouts(config, settings.queryTimeout());
    // Start even when the database is down: lookups fail (and are retried) until it is back.
    config.setInitializationFailTimeout(-1);
    this.dataSource = new HikariDataSource(config);
    // No per-query execute logging or diagnostics: this query runs hundreds of times a second.
    this.sql = DSL.using(dataSource, SQLDialect.POSTGRES,
        new Settings().withExecuteLogging(false).withDiagnosticsLogging(false).withRenderFormatted(false));
    this.lookupSql = sql.render(sql
        .select(PLAYERS.ID, PLAYERS.EMAIL, PLAYERS.LAST_SIGNED_IN_AT)
        .from(PLAYERS)
        .where(PLAYERS.ID.eq(DSL.any(DSL.val(new Long[0])))));
    this.blocking = blocking;
    this.maxQueries = settings.poolSize();
  }

  /**
   * Without these a connection that goes silent (a hung server, a failover that leaves old
   * connections open) holds its query, and then every pool slot, for good: the server cancels
   * a query at the query timeout, the driver drops a connection silent a second longer, and
   * opening or validating one is bounded as well.
   */
  private static void timeouts(HikariConfig config, Duration queryTimeout) {
    long seconds = Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
    config.setConnectionInitSql("set statement_timeout = " + queryTimeout.toMillis());
    // As text: the driver reads its properties with Properties.getProperty, which sees no numbers.
    config.addDataSourceProperty("socketTimeout", Long.toString(seconds + 1));
    config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    config.addDataSourceProperty("loginTimeout", Long.toString(seconds));
    config.setValidationTimeout(Math.max(250, Math.min(1_000, queryTimeout.toMillis())));
  }

  /**
   * The players among {@code playerIds} that exist, by id; unknown ids are absent. The map may
   * also hold players of other lookups answered by the same query.
   */
  public CompletionStage<Map<Long, Player>> find(Set<Long> playerIds) {
    Lookup lookup = new Lookup(playerIds, new CompletableFuture<>());
    pending.add(lookup);
    pendingCount.incrementAndGet();
    startQueryIfIdle();
    return lookup.result();
  }

  /**
   * One query at a time gathers the most lookups per query; a further query starts only when
   * more lookups wait than one query takes, up to the pool size.
   */
  private void startQueryIfIdle() {
    while (pendingCount.get() > 0) {
      int running = queriesRunning.get();
      if (running >= maxQueries || (running > 0 && pendingCount.get() < MAX_LOOKUPS)) {
        return;
      }
      if (queriesRunning.compareAndSet(running, running + 1)) {
        blocking.execute(this::queryPending);
        return;
      }
    }
  }

  private void queryPending() {
    try {
      List<Lookup> batch = new ArrayList<>();
      for (Lookup l; batch.size() < MAX_LOOKUPS && (l = pending.poll()) != null; ) {
        batch.add(l);
        pendingCount.decrementAndGet();
      }
      if (!batch.isEmpty()) {
        answer(batch);
      }
    } finally {
      queriesRunning.decrementAndGet();
      startQueryIfIdle();
    }
  }

  private void answer(List<Lookup> batch) {
    Map<Long, Player> players;
    try {
      players = query(batch.stream().flatMap(l -> l.ids().stream()).distinct().toArray(Long[]::new));
    } catch (SQLException | RuntimeException e) {
      PlayersUnavailableException failure = new PlayersUnavailableException("player lookup failed: " + Failures.rootMessage(e), e);
      batch.forEach(l -> l.result().completeExceptionally(failure));
      return;
    }
    // Every lookup of the query gets the query's players: a superset of its own, read-only.
    batch.forEach(l -> l.result().complete(players));
  }

  /**
   * jOOQ's SQL, rendered once, run as a prepared statement; jOOQ reads the rows. Running it
   * through jOOQ as plain SQL would parse and render the SQL again for every query.
   */
  private Map<Long, Player> query(Long[] ids) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(lookupSql)) {
      statement.setArray(1, connection.createArrayOf("bigint", ids));
      try (ResultSet rows = statement.executeQuery()) {
        Map<Long, Player> found = new HashMap<>();
        for (Record row : sql.fetch(rows, PLAYERS.ID, PLAYERS.EMAIL, PLAYERS.LAST_SIGNED_IN_AT)) {
          Long id = row.get(PLAYERS.ID);
          OffsetDateTime signedIn = row.get(PLAYERS.LAST_SIGNED_IN_AT);
          found.put(id, new Player(id, row.get(PLAYERS.EMAIL), signedIn == null ? null : signedIn.toInstant()));
        }
        return Collections.unmodifiableMap(found);
      }
    }
  }

  /** True when a connection can be had now (readiness). */
  public boolean reachable() {
    try (var c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (Exception e) {
      return false;
    }
  }


  @Override
  public void close() {
    dataSource.close();
  }

  /** The database could not answer; retried until the enrichment timeout. */
  public static final class PlayersUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlayersUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
