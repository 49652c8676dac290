package casino.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import casino.metrics.Metrics;
import casino.domain.CasinoEvent;
import casino.domain.Currency;
import casino.domain.EventType;
import casino.domain.Money;
import casino.testing.InMemoryPersistence;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keeper on Pekko's in-memory journal and snapshot store: dedup, and recovery exact after a restart. */
class ViewKeeperTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final int SNAPSHOT_EVERY = 200;
  private final ActorTestKit testKit = ActorTestKit.create(InMemoryPersistence.config()
      .withFallback(ConfigFactory.parseString("pekko.persistence.testkit.snapshots.serialize = on\n"
          + "pekko.persistence.testkit.events.serialize = on")));
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final String id = "keeper-" + UUID.randomUUID();

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ViewKeeper.Command> keeper() {
    return testKit.spawn(ViewKeeper.create(new Settings.View(id, Duration.ofHours(1), 1_000_000, Duration.ofMillis(250),
        SNAPSHOT_EVERY), clock, Metrics.inMemory()));
  }

  private static Entries entries(long fromId, int n) {
    Entries.Builder b = Entries.builder(n);
    for (long i = fromId; i < fromId + n; i++) {
      EventType type = EventType.values()[(int) (i % 4)];
      b.add(new CasinoEvent(i, 10 + i % 3, type.playedInGame() ? 100 : 0, type,
          type.carriesMoney() ? new Money(100 + i, Currency.EUR) : null, type == EventType.BET && i % 5 == 0,
          NOW.minusSeconds(i % 120)), type.carriesMoney() ? 100 + i : null);
    }
    return b.build();
  }

  private int count(ActorRef<ViewKeeper.Command> keeper, Entries entries) {
    TestProbe<ViewKeeper.Counted> probe = testKit.createTestProbe();
    keeper.tell(new ViewKeeper.Count(entries, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).newlyCounted();
  }

  private Figures figures(ActorRef<ViewKeeper.Command> keeper) {
    TestProbe<Figures> probe = testKit.createTestProbe();
    keeper.tell(new ViewKeeper.GetFigures(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  @Test
  void eachIdCountsOnceAndUnseenNamesOnlyNewIds() {
    ActorRef<ViewKeeper.Command> keeper = keeper();

    assertEquals(10, count(keeper, entries(1, 10)));
    assertEquals(5, count(keeper, entries(6, 10)), "ids 6-10 were counted before");
    TestProbe<ViewKeeper.UnseenIds> unseen = testKit.createTestProbe();
    keeper.tell(new ViewKeeper.Unseen(new long[] {3, 15, 16, 99}, unseen.getRef()));

    assertArrayEquals(new long[] {16, 99}, unseen.receiveMessage().ids());
    assertEquals(15, figures(keeper).eventsTotal());
  }

  @Test
  void requestsArrivingDuringAWriteShareTheNextOneAndEachGetsItsOwnAnswer() {
    ActorRef<ViewKeeper.Command> keeper = keeper();
    TestProbe<ViewKeeper.Counted> a = testKit.createTestProbe();
    TestProbe<ViewKeeper.Counted> b = testKit.createTestProbe();
    TestProbe<ViewKeeper.Counted> c = testKit.createTestProbe();

    keeper.tell(new ViewKeeper.Count(entries(1, 100), a.getRef()));
    keeper.tell(new ViewKeeper.Count(entries(51, 100), b.getRef()));   // half of it overlaps a's
    keeper.tell(new ViewKeeper.Count(entries(101, 100), c.getRef()));  // all of it overlaps b's

    assertEquals(100, a.receiveMessage(Duration.ofSeconds(10)).newlyCounted());
    assertEquals(100, b.receiveMessage(Duration.ofSeconds(10)).newlyCounted() + c.receiveMessage(Duration.ofSeconds(10)).newlyCounted());
    assertEquals(200, figures(keeper).eventsTotal());
  }

  /**
   * The journal takes no command while it writes; the keeper answers which ids are counted all
   * the same, so that a processor's next batch does not wait for the previous one's commit.
   */
  @Test
  void whichIdsAreCountedIsAnsweredWhileAJournalWriteIsHeld() throws Exception {
    ActorRef<ViewKeeper.Command> keeper = keeper();
    assertEquals(10, count(keeper, entries(1, 10)));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PersistenceTestKit.create(testKit.system()).withPolicy((persistenceId, operation) -> {
      if (operation instanceof WriteEvents) {
        holding.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return ProcessingSuccess.getInstance();
    });
    TestProbe<ViewKeeper.Counted> held = testKit.createTestProbe();
    keeper.tell(new ViewKeeper.Count(entries(11, 10), held.getRef()));
    try {
      assertTrue(holding.await(10, TimeUnit.SECONDS), "the write did not reach the journal");
      TestProbe<ViewKeeper.UnseenIds> unseen = testKit.createTestProbe();
      keeper.tell(new ViewKeeper.Unseen(new long[] {5, 25, 30}, unseen.getRef()));
      assertArrayEquals(new long[] {25, 30}, unseen.receiveMessage(Duration.ofSeconds(3)).ids());
      held.expectNoMessage(Duration.ofMillis(100));
    } finally {
      release.countDown();
    }
    assertEquals(10, held.receiveMessage(Duration.ofSeconds(10)).newlyCounted());
    assertEquals(20, figures(keeper).eventsTotal());
  }

  /**
   * A snapshot taken before the view kept bets, wins and deposits per second, and figures from a
   * keeper of that version (a rolling upgrade): both still load, those columns at 0.
   */
  @Test
  void snapshotsAndFiguresOfTheEarlierVersionWithoutPerSecondBetsWinsAndDepositsLoad() throws Exception {
    ViewState state = new ViewState(Duration.ofHours(1), 1_000);
    state.record(entries(1, 40), NOW);
    Figures current = state.figures(NOW);

    ViewState.Stored stored = earlierVersion(state.store(), "bucketBets", "bucketWins", "bucketDeposits");
    Figures restored = ViewState.restore(Duration.ofHours(1), 1_000, stored).figures(NOW);
    Figures figures = earlierVersion(current, "betsPerSecond", "winsPerSecond", "depositCentsPerSecond");

    for (Figures old : new Figures[] {restored, figures}) {
      assertEquals(40, old.eventsTotal());
      assertArrayEquals(current.eventsPerSecond(), old.eventsPerSecond());
      assertArrayEquals(new long[current.eventsPerSecond().length], old.betsPerSecond());
      assertArrayEquals(new long[current.eventsPerSecond().length], old.winsPerSecond());
      assertArrayEquals(new long[current.eventsPerSecond().length], old.depositCentsPerSecond());
      assertEquals(40, Windows.of(old, 60, 60, NOW).stream().mapToLong(Windows.Window::events).sum());
    }
  }

  /** The copy every node fetches four times a second stays small: at 1,000 events/s in every second of the hour, under 64 KB. */
  @Test
  void theFiguresOfABusyHourAreAFewTensOfKilobytesOfCbor() {
    int seconds = 3605;
    long[] events = new long[seconds];
    long[] bets = new long[seconds];
    long[] wins = new long[seconds];
    long[] deposits = new long[seconds];
    java.util.Arrays.fill(events, 1_000);
    java.util.Arrays.fill(bets, 250);
    java.util.Arrays.fill(wins, 13);
    java.util.Arrays.fill(deposits, 250L * 2_000);   // 250 deposits of up to 20 EUR a second
    Figures busy = new Figures(NOW.toEpochMilli(), 3_600_000, NOW.minusSeconds(3600).toEpochMilli(),
        NOW.getEpochSecond() - 3599, events, new ViewState.Top(10, 90_000), new ViewState.Top(11, 4_700),
        new ViewState.Top(12, 18_000_000_000L), 3_600_000, bets, wins, deposits);

    byte[] cbor = SerializationExtension.get(Adapter.toClassic(testKit.system())).serialize(busy).get();

    assertTrue(cbor.length < 64 * 1024, cbor.length + " bytes");
  }

  /** {@code value} through the CBOR serialization of the cluster and the journal, without {@code fields}. */
  @SuppressWarnings("unchecked")
  private <T> T earlierVersion(T value, String... fields) throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = serialization.findSerializerFor(value);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(serializer.toBinary(value));
    assertTrue(tree.has(fields[0]), "the current version writes " + fields[0]);
    tree.remove(java.util.List.of(fields));
    return (T) serialization.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(),
        Serializers.manifestFor(serializer, value)).get();
  }

  @Test
  void aRestartedKeeperRecoversFiguresAndRememberedIdsFromSnapshotAndJournal() {
    ActorRef<ViewKeeper.Command> keeper = keeper();
    int written = 2 * SNAPSHOT_EVERY + 30;   // snapshots, old events deleted, then events on top
    for (int i = 0; i < written; i++) {
      assertEquals(3, count(keeper, entries(1 + 3L * i, 3)));
    }
    Figures before = figures(keeper);
    testKit.stop(keeper, Duration.ofSeconds(10));

    ActorRef<ViewKeeper.Command> recovered = keeper();
    Figures after = figures(recovered);

    assertEquals(3L * written, after.eventsTotal());
    assertEquals(before.topPlayerBets(), after.topPlayerBets());
    assertEquals(before.topPlayerWins(), after.topPlayerWins());
    assertEquals(before.topPlayerDeposits(), after.topPlayerDeposits());
    assertEquals(before.earliestMillis(), after.earliestMillis());
    assertArrayEquals(before.eventsPerSecond(), after.eventsPerSecond());
    assertArrayEquals(before.betsPerSecond(), after.betsPerSecond());
    assertArrayEquals(before.winsPerSecond(), after.winsPerSecond());
    assertArrayEquals(before.depositCentsPerSecond(), after.depositCentsPerSecond());
    assertTrue(java.util.Arrays.stream(before.depositCentsPerSecond()).sum() > 0, "deposits were counted per second");
    assertEquals(before.rememberedIds(), after.rememberedIds());
    assertEquals(0, count(recovered, entries(1, 3L * written > Integer.MAX_VALUE ? 0 : 3 * written)), "every id remembered");
  }
}
