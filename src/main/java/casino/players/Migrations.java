package casino.players;

import casino.config.Settings;
import java.nio.file.Files;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the Flyway SQL in {@code migrations/}: the schema always, the demo players only
 * when {@code casino.database.demo-data} is on, so a production database gets the table alone.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult apply(Settings.Database database) {
    if (!Files.isDirectory(database.migrations().resolve("schema"))) {
      throw new IllegalStateException("no migrations at " + database.migrations().toAbsolutePath()
          + "/schema (set MIGRATIONS_DIR to the project's migrations directory)");
    }
    String schema = "filesystem:" + database.migrations().resolve("schema");
    String demo = "filesystem:" + database.migrations().resolve("demo");
    String[] locations = database.demoData() ? new String[] {schema, demo} : new String[] {schema};
    return Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .locations(locations)
        // Demo rows are a repeatable migration: a database that had them keeps them. Migrations
        // of a later release (Flyway's default, kept): in a rolling upgrade, a node of the
        // earlier release must still start on the database a new node has migrated.
        .ignoreMigrationPatterns("*:missing", "*:future")
        .load()
        .migrate();
  }
}
