package casino.players;

import casino.config.Settings;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * {@code mvn -q exec:java@migrate} applies the schema; {@code -Dexec.args=--demo} also loads
 * the demo players.
 */
public final class MigrateMain {
  private MigrateMain() {}

  public static void main(String[] args) {
    try {
      Settings.Database database = Settings.load().database();
      boolean demo = database.demoData() || java.util.Arrays.asList(args).contains("--demo");
      MigrateResult result = Migrations.apply(database.withDemoData(demo));
      System.err.println("migrate: applied " + result.migrationsExecuted + " migration(s); schema version "
          + (result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion)
          + (demo ? " (with demo players)" : ""));
    } catch (RuntimeException e) {
      System.err.println("migrate: failed: " + e.getMessage());
      System.exit(2);
    }
  }
}
