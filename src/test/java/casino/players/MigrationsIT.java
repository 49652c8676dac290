package casino.players;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.testing.TestSchema;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Migrations against the real PostgreSQL, each test in an empty schema of its own. */
class MigrationsIT {
  private TestSchema schema;
  private Settings.Database database;

  @BeforeEach
  void emptySchema() throws Exception {
    schema = TestSchema.create("migrations_it");
    database = schema.database();
  }

  @AfterEach
  void dropSchema() throws Exception {
    schema.close();
  }

  @Test
  void schemaAppliesToAnEmptyDatabaseAndAgainWithoutChange() throws Exception {
    MigrateResult first = Migrations.apply(database);
    MigrateResult second = Migrations.apply(database);

    assertEquals(2, first.migrationsExecuted, "players, then the journal of Pekko Persistence");
    assertEquals(0, second.migrationsExecuted);
    assertEquals(0, schema.count("select count(*) from players"), "no demo rows in a production schema");
    for (String table : new String[] {"event_journal", "event_tag", "snapshot", "durable_state"}) {
      assertEquals(0, schema.count("select count(*) from " + table));
    }
    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
      s.execute("insert into players (email) values ('new@example.com')");
    }
    assertEquals(1, schema.count("select count(*) from players"));
  }

  @Test
  void demoPlayersAreSeparateAndIdempotent() throws Exception {
    Settings.Database demo = database.withDemoData(true);
    MigrateResult first = Migrations.apply(demo);
    MigrateResult second = Migrations.apply(demo);

    assertEquals(3, first.migrationsExecuted);
    assertEquals(0, second.migrationsExecuted);
    assertEquals(5, schema.count("select count(*) from players where id between 10 and 14"));
    try (Connection c = schema.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select id, email, last_signed_in_at from players order by id")) {
      String[] emails = {"john@example.com", "jane@example.com", "bob@example.com", "rick@example.com", "morty@example.com"};
      Duration[] ago = {Duration.ofHours(1), Duration.ofHours(3), Duration.ofDays(2), Duration.ofHours(5), Duration.ofDays(1)};
      for (int i = 0; i < 5; i++) {
        assertTrue(rs.next());
        assertEquals(10 + i, rs.getLong(1));
        assertEquals(emails[i], rs.getString(2));
        Duration actual = Duration.between(rs.getObject(3, OffsetDateTime.class), OffsetDateTime.now());
        assertTrue(actual.minus(ago[i]).abs().compareTo(Duration.ofMinutes(5)) < 0, emails[i] + " signed in " + actual + " ago");
      }
      // A player added later gets a fresh id, not one of the demo ids.
      s.execute("insert into players (email) values ('new@example.com')");
    }
    assertEquals(1, schema.count("select count(*) from players where id > 14"));
  }

  /** A database whose journal tables were made by hand with the plugin's own script migrates all the same. */
  @Test
  void journalTablesFromThePluginsScriptAreKept() throws Exception {
    Flyway.configure().dataSource(database.url(), database.user(), database.password())
        .locations("filesystem:" + database.migrations().resolve("schema")).target("1").load().migrate();
    String script;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema/postgres/postgres-create-schema.sql")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
      // Autocommit: the script's CREATE INDEX CONCURRENTLY cannot run in a transaction.
      for (String statement : script.replace("public.", "").split(";")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
      s.execute("insert into snapshot (persistence_id, sequence_number, created, snapshot_ser_id,"
          + " snapshot_ser_manifest, snapshot_payload) values ('kept', 1, 0, 0, '', '\\x00')");
    }

    assertEquals(1, Migrations.apply(database).migrationsExecuted);
    assertEquals(1, schema.count("select count(*) from snapshot where persistence_id = 'kept'"));
  }

  /** A rolling upgrade: a node of the previous release restarts after a new one migrated the database. */
  @Test
  void aProcessorOfAnEarlierReleaseStartsOnADatabaseALaterOneMigrated() throws Exception {
    Migrations.apply(database);
    Path earlier = Files.createTempDirectory("earlier-migrations");
    try {
      Files.createDirectories(earlier.resolve("schema"));
      Files.copy(database.migrations().resolve("schema/V1__create_players.sql"), earlier.resolve("schema/V1__create_players.sql"));
      Settings.Database earlierRelease = new Settings.Database(database.url(), database.user(), database.password(),
          database.poolSize(), database.queryTimeout(), true, false, earlier);

      assertEquals(0, Migrations.apply(earlierRelease).migrationsExecuted);
    } finally {
      Files.delete(earlier.resolve("schema/V1__create_players.sql"));
      Files.delete(earlier.resolve("schema"));
      Files.delete(earlier);
    }
  }
}
