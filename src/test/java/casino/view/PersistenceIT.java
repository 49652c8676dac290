package casino.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.testing.TestPersistence;
import casino.testing.TestSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgConnection;

/**
 * Pekko Persistence through pekko-persistence-jdbc against the real PostgreSQL, configured as a
 * processor is (conf/processor.conf), in a schema of the test's own migrated by the product's
 * migrations.
 */
class PersistenceIT {
  private static final int SNAPSHOT_EVERY = 10;
  private static final int KEEP_SNAPSHOTS = 2;
  private static final RetentionCriteria RETENTION =
      RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, KEEP_SNAPSHOTS).withDeleteEventsOnSnapshot();
  /** The first write opens the pool: seconds on a busy machine. */
  private static final Duration PERSIST_TIMEOUT = Duration.ofSeconds(15);

  private TestSchema schema;
  private ActorTestKit testKit;

  @BeforeEach
  void start() throws Exception {
    schema = TestSchema.migrated("persistence_it");
    testKit = ActorTestKit.create("persistence-it", TestPersistence.config(schema));
  }

  @AfterEach
  void stop() throws Exception {
    testKit.shutdownTestKit();
    schema.close();
  }

  @Test
  void aRestartRecoversTheStateFromTheLatestSnapshotAndOlderEventsAreDeleted() throws Exception {
    String persistenceId = "id-recorder-" + UUID.randomUUID();
    int events = 45;
    List<Long> recorded = new ArrayList<>();
    ActorRef<IdRecorder.Command> recorder = testKit.spawn(IdRecorder.create(persistenceId, RETENTION));
    TestProbe<Done> persisted = testKit.createTestProbe();
    for (int i = 0; i < events; i++) {
      long[] batch = {(long) i << 22, ((long) i << 22) | 1, Long.MAX_VALUE - i};
      recorder.tell(new IdRecorder.Record(batch, persisted.getRef()));
      persisted.expectMessage(PERSIST_TIMEOUT, Done.getInstance());
      for (long id : batch) {
        recorded.add(id);
      }
    }

    // A snapshot every 10 events, keeping 2 before the latest: after the one at 40 the snapshot
    // at 10 and the events up to 40 - 2 * 10 are deleted (the plugin removes those rows and
    // leaves the highest deleted one as a marker of the sequence number).
    TestProbe<Void> waiting = testKit.createTestProbe();
    waiting.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(20L, 30L, 40L), values("select sequence_number from snapshot where persistence_id = ? order by 1", persistenceId));
      assertEquals(List.of(20L), values("select sequence_number from event_journal where persistence_id = ? and deleted", persistenceId));
      return null;
    });
    assertEquals(events - 20, values("select sequence_number from event_journal where persistence_id = ? and not deleted", persistenceId).size());
    assertEquals(21L, values("select min(sequence_number) from event_journal where persistence_id = ? and not deleted", persistenceId).get(0));

    // A full restart: a new actor system, a new connection pool, the same persistence id.
    testKit.shutdownTestKit();
    testKit = ActorTestKit.create("persistence-it-again", TestPersistence.config(schema));
    ActorRef<IdRecorder.Command> again = testKit.spawn(IdRecorder.create(persistenceId, RETENTION));
    TestProbe<IdRecorder.Status> status = testKit.createTestProbe();
    again.tell(new IdRecorder.Report(status.getRef()));
    IdRecorder.Status recovered = status.receiveMessage(Duration.ofSeconds(10));

    assertEquals(recorded, recovered.ids());
    assertEquals(events - 40, recovered.eventsApplied(), "only the events after the latest snapshot are replayed");
  }

  @Test
  void eventsAndSnapshotsAreStoredAsJacksonCbor() throws Exception {
    String persistenceId = "id-recorder-" + UUID.randomUUID();
    ActorRef<IdRecorder.Command> recorder = testKit.spawn(IdRecorder.create(persistenceId,
        RetentionCriteria.snapshotEvery(1, 1)));
    TestProbe<Done> persisted = testKit.createTestProbe();
    recorder.tell(new IdRecorder.Record(new long[] {1, 2, 3}, persisted.getRef()));
    persisted.expectMessage(PERSIST_TIMEOUT, Done.getInstance());

    Serializer serializer = SerializationExtension.get(testKit.system()).findSerializerFor(new IdRecorder.Recorded(new long[0]));
    assertInstanceOf(JacksonCborSerializer.class, serializer);
    long cbor = serializer.identifier();
    assertEquals(List.of(cbor), values("select event_ser_id from event_journal where persistence_id = ?", persistenceId));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(cbor), values("select snapshot_ser_id from snapshot where persistence_id = ?", persistenceId));
      return null;
    });
  }

  /**
   * The plugin's connections get the processor's connection properties on top of the URL's own
   * parameters: the test's URL selects its schema with {@code ?currentSchema=}. Among them the
   * server-side limit on a transaction left idle (by a keeper cut off mid-write).
   */
  @Test
  void journalConnectionsKeepTheUrlsParametersAndRewriteBatchedInserts() throws Exception {
    SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(testKit.system().classicSystem());
    SlickDatabase journalDb = slick.database(testKit.system().settings().config().getConfig("jdbc-journal"));
    String url = schema.database().url();
    String schemaName = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection connection = journalDb.database().source().createConnection();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("select current_schema()")) {
      assertTrue(connection.unwrap(PgConnection.class).getQueryExecutor().isReWriteBatchedInsertsEnabled());
      assertTrue(rs.next());
      assertEquals(schemaName, rs.getString(1));
      try (ResultSet idle = statement.executeQuery("show idle_in_transaction_session_timeout")) {
        assertTrue(idle.next());
        assertEquals("10s", idle.getString(1));
      }
    }
  }

  /** The first column of a query about one persistence id (its one parameter). */
  private List<Long> values(String sql, String persistenceId) {
    List<Long> values = new ArrayList<>();
    try (Connection c = schema.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, persistenceId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return values;
  }
}
