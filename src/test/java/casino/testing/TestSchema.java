package casino.testing;

import casino.config.Settings;
import casino.players.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A PostgreSQL schema of one test's own, empty until the test migrates it; dropped on close. */
public final class TestSchema implements AutoCloseable {
  private final Settings.Database base = Settings.load().database();
  private final String name;

  private TestSchema(String name) {
    this.name = name;
  }

  public static TestSchema create(String prefix) throws SQLException {
    TestSchema schema = new TestSchema(prefix + "_" + UUID.randomUUID().toString().substring(0, 8));
    schema.onBase("create schema " + schema.name);
    return schema;
  }

  /** A schema of one's own with the product's migrations (players table, no demo rows). */
  public static TestSchema migrated(String prefix) throws SQLException {
    TestSchema schema = create(prefix);
    Migrations.apply(schema.database());
    return schema;
  }

  /** Settings for this schema in the configured database. */
  public Settings.Database database() {
    return at(base.url());
  }

  /** Settings for this schema through another address of the same database (a proxy, say). */
  public Settings.Database at(String url) {
    return new Settings.Database(url + "?currentSchema=" + name, base.user(), base.password(), 2,
        base.queryTimeout(), true, false, base.migrations());
  }

  /** The configured database's JDBC URL. */
  public String baseUrl() {
    return base.url();
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public long count(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public Connection connect() throws SQLException {
    Settings.Database db = database();
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private void onBase(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(base.url(), base.user(), base.password());
         Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    onBase("drop schema " + name + " cascade");
  }
}
