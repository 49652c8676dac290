package casino.view;

import casino.cluster.CborSerializable;
import casino.testing.TestPersistence;
import casino.testing.TestSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * What Pekko Persistence costs on the project's PostgreSQL, through pekko-persistence-jdbc
 * configured as a processor is (conf/processor.conf), in a schema of its own:
 * <ol type="a">
 *   <li>persists per second of one event of 250 event ids (one batch's record), one write at
 *       a time, with {@code synchronous_commit} on and off, alternating twice;</li>
 *   <li>the CBOR size and the time to save and to load a snapshot of N remembered ids, as a
 *       {@code long[]} and delta-encoded as zigzag varints in a {@code byte[]};</li>
 *   <li>a snapshot of about 40 MB.</li>
 * </ol>
 * A snapshot's save is timed from the persisted event that triggers it to the
 * {@code SnapshotCompleted} signal, its load from spawning the actor to {@code RecoveryCompleted}.
 * Run with {@code bin/bench persistence [seconds-per-round]}.
 */
public final class PersistenceBenchmark {
  private static final int BATCH = 250;
  private static final String SYNC_OFF = "-c synchronous_commit=off";
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);

  private PersistenceBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Map<String, String> result = new LinkedHashMap<>();
    System.out.println("load average at start: " + loadAverage());
    try (TestSchema schema = TestSchema.migrated("persistence_bench")) {
      double[] on = new double[2];
      double[] off = new double[2];
      for (int round = 0; round < 2; round++) {
        on[round] = persistRate(schema, false, seconds, result);
        off[round] = persistRate(schema, true, seconds, result);
      }
      result.put("persists_per_s_sync_on", format(Math.max(on[0], on[1])));
      result.put("persists_per_s_sync_off", format(Math.max(off[0], off[1])));

      ActorTestKit kit = testKit(schema, Map.of());
      try {
        for (int n : new int[] {100_000, 1_000_000, 5_000_000}) {
          for (Form form : new Form[] {Form.LONGS, Form.PACKED}) {
            snapshot(kit, schema, form, n, result);
          }
        }
        snapshot(kit, schema, Form.BLOB, 40_000_000, result);
      } finally {
        kit.shutdownTestKit();
      }
    }
    System.out.println("load average at end: " + loadAverage());
    StringBuilder line = new StringBuilder("RESULT");
    result.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    System.out.println(line);
  }

  private static ActorTestKit testKit(TestSchema schema, Map<String, ?> overrides) {
    return ActorTestKit.create("persistence-bench", TestPersistence.config(schema, overrides));
  }

  // ---- (a) one event of 250 ids per write ----

  private static double persistRate(TestSchema schema, boolean syncOff, int seconds, Map<String, String> result)
      throws Exception {
    Map<String, String> overrides = syncOff
        ? Map.of("pekko-persistence-jdbc.shared-databases.slick.db.properties.options", SYNC_OFF) : Map.of();
    ActorTestKit kit = testKit(schema, overrides);
    try {
      String label = "synchronous_commit=" + setting(kit, "synchronous_commit");
      ActorRef<BatchWriter.Write> writer = kit.spawn(BatchWriter.create("batches-" + UUID.randomUUID()));
      long[] ids = Ids.arrival(BATCH, 1);
      BatchWriter.Batch event = new BatchWriter.Batch(ids);
      result.putIfAbsent("event_bytes", Integer.toString(serialization(kit).serialize(event).get().length));

      long start = System.nanoTime();
      write(kit, writer, ids);
      long firstWrite = System.nanoTime() - start;
      int warmup = writesFor(kit, writer, ids, Duration.ofSeconds(2));
      start = System.nanoTime();
      int writes = writesFor(kit, writer, ids, Duration.ofSeconds(seconds));
      double rate = writes / ((System.nanoTime() - start) / 1e9);
      System.out.printf(Locale.ROOT, "(a) %s: %,.0f persists/s (%,d in %d s; first write after start %d ms, %d warm-up writes)%n",
          label, rate, writes, seconds, firstWrite / 1_000_000, warmup);
      return rate;
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static int writesFor(ActorTestKit kit, ActorRef<BatchWriter.Write> writer, long[] ids, Duration duration)
      throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    int writes = 0;
    while (System.nanoTime() < end) {
      write(kit, writer, ids);
      writes++;
    }
    return writes;
  }

  private static void write(ActorTestKit kit, ActorRef<BatchWriter.Write> writer, long[] ids) throws Exception {
    AskPattern.<BatchWriter.Write, Done>ask(writer, replyTo -> new BatchWriter.Write(ids, replyTo), ASK_TIMEOUT,
        kit.scheduler()).toCompletableFuture().get();
  }

  /** A setting of the session the plugin's connections open, to show what the test ran with. */
  private static String setting(ActorTestKit kit, String name) throws Exception {
    SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(kit.system().classicSystem());
    try (Connection c = slick.database(kit.system().settings().config().getConfig("jdbc-journal")).database().source().createConnection();
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Persists one event of ids per command; its state is the number of events. */
  static final class BatchWriter extends EventSourcedBehavior<BatchWriter.Write, BatchWriter.Batch, Long> {
    record Write(long[] ids, ActorRef<Done> replyTo) {}

    record Batch(long[] ids) implements CborSerializable {}

    private BatchWriter(PersistenceId id) {
      super(id);
    }

    static Behavior<Write> create(String persistenceId) {
      return new BatchWriter(PersistenceId.ofUniqueId(persistenceId));
    }

    @Override
    public Long emptyState() {
      return 0L;
    }

    @Override
    public CommandHandler<Write, Batch, Long> commandHandler() {
      return (state, write) -> Effect().persist(new Batch(write.ids())).thenReply(write.replyTo(), s -> Done.getInstance());
    }

    @Override
    public EventHandler<Long, Batch> eventHandler() {
      return (state, batch) -> state + 1;
    }
  }

  // ---- (b) and (c) snapshots ----

  enum Form { LONGS, PACKED, BLOB }

  /**
   * Two rounds (the first with a cold JIT, on a shared machine): each is printed, the lower
   * time of the two goes into the result.
   */
  private static void snapshot(ActorTestKit kit, TestSchema schema, Form form, int n, Map<String, String> result)
      throws Exception {
    String name = form == Form.BLOB ? "blob_" + n / 1_000_000 + "mb" : form.name().toLowerCase(Locale.ROOT) + "_" + count(n);
    SnapshotCost best = null;
    for (int round = 1; round <= 2; round++) {
      SnapshotCost cost = snapshotOnce(kit, schema, form, n);
      System.out.printf(Locale.ROOT,
          "(%s) %-11s round %d: %,11d bytes CBOR (%.2f bytes/id; %,d on disk); save %,6d ms (actor busy %,6d ms),"
              + " load %,6d ms; serialize %,5d ms, deserialize %,5d ms, state built in %,5d ms%n",
          form == Form.BLOB ? "c" : "b", name, round, cost.bytes(), (double) cost.bytes() / n, cost.stored(),
          cost.saveMs(), cost.busyMs(), cost.loadMs(), cost.serializeMs(), cost.deserializeMs(), cost.buildMs());
      best = best == null ? cost : best.fasterOf(cost);
    }
    result.put(name + "_bytes", Integer.toString(best.bytes()));
    result.put(name + "_save_ms", Long.toString(best.saveMs()));
    result.put(name + "_load_ms", Long.toString(best.loadMs()));
    if (form == Form.PACKED) {
      long[] sorted = Ids.arrival(n, n);
      Arrays.sort(sorted);
      int sortedBytes = Ids.pack(sorted).length;
      System.out.printf(Locale.ROOT, "    the same ids sorted before the delta encoding: %,d bytes (%.2f bytes/id)%n",
          sortedBytes, (double) sortedBytes / n);
    }
  }

  /**
   * {@code saveMs}: from the command to the {@code SnapshotCompleted} signal, less the time to
   * build the state (so: the write of the small event, then serializing and storing the
   * snapshot). {@code busyMs}: from the command to its reply, which Pekko sends only once the
   * snapshot is stored; meanwhile the actor stashes every command.
   */
  private record SnapshotCost(int bytes, long stored, long buildMs, long saveMs, long busyMs, long loadMs,
      long serializeMs, long deserializeMs) {
    SnapshotCost fasterOf(SnapshotCost other) {
      return new SnapshotCost(bytes, stored, Math.min(buildMs, other.buildMs), Math.min(saveMs, other.saveMs),
          Math.min(busyMs, other.busyMs), Math.min(loadMs, other.loadMs), Math.min(serializeMs, other.serializeMs),
          Math.min(deserializeMs, other.deserializeMs));
    }
  }

  private static SnapshotCost snapshotOnce(ActorTestKit kit, TestSchema schema, Form form, int n) throws Exception {
    String persistenceId = "snapshot-" + form + "-" + n + "-" + UUID.randomUUID();
    long start = System.nanoTime();
    SnapshotKeeper.Held expected = SnapshotKeeper.fill(form, n);
    long buildNanos = System.nanoTime() - start;
    Cbor cbor = Cbor.of(serialization(kit), expected);

    TestProbe<SnapshotKeeper.Signal> signals = kit.createTestProbe();
    ActorRef<SnapshotKeeper.Command> keeper = kit.spawn(SnapshotKeeper.create(persistenceId, signals.getRef()));
    signals.expectMessageClass(SnapshotKeeper.Recovered.class, ASK_TIMEOUT);
    start = System.nanoTime();
    AskPattern.<SnapshotKeeper.Command, Long>ask(keeper, replyTo -> new SnapshotKeeper.Fill(form, n, replyTo), ASK_TIMEOUT,
        kit.scheduler()).toCompletableFuture().get();
    long busyNanos = System.nanoTime() - start;
    SnapshotKeeper.Signal saved = signals.receiveMessage(ASK_TIMEOUT);
    if (saved instanceof SnapshotKeeper.Failed failed) {
      throw new IllegalStateException(form + " " + n + ": the snapshot of " + cbor.bytes() + " bytes failed after "
          + (failed.atNanos() - start) / 1_000_000 + " ms", failed.cause());
    }
    long saveNanos = ((SnapshotKeeper.Saved) saved).atNanos() - start - buildNanos;
    // What PostgreSQL keeps on disk: TOAST compresses a payload that compresses (pglz by default).
    long stored = schema.count("select pg_column_size(snapshot_payload) from snapshot where persistence_id = '" + persistenceId + "'");
    kit.stop(keeper);

    start = System.nanoTime();
    ActorRef<SnapshotKeeper.Command> recovering = kit.spawn(SnapshotKeeper.create(persistenceId, signals.getRef()));
    SnapshotKeeper.Recovered recovered = signals.expectMessageClass(SnapshotKeeper.Recovered.class, ASK_TIMEOUT);
    long loadNanos = recovered.atNanos() - start;
    kit.stop(recovering);
    // The same CBOR, byte for byte, is the same state; packed ids must also unpack to the ids.
    Serialization serialization = serialization(kit);
    if (!Arrays.equals(serialization.serialize(recovered.state()).get(), serialization.serialize(expected).get())
        || (expected instanceof SnapshotKeeper.PackedIds packed && !Arrays.equals(Ids.unpack(packed.packed(), n), Ids.arrival(n, n)))) {
      throw new IllegalStateException(form + " " + n + ": the recovered state differs from the saved one");
    }
    return new SnapshotCost(cbor.bytes(), stored, buildNanos / 1_000_000, saveNanos / 1_000_000, busyNanos / 1_000_000,
        loadNanos / 1_000_000, cbor.serializeMs(), cbor.deserializeMs());
  }

  /** A value's size in the configured serialization and the time to serialize and deserialize it (CPU alone). */
  private record Cbor(int bytes, long serializeMs, long deserializeMs) {
    static Cbor of(Serialization serialization, Object value) {
      Serializer serializer = serialization.findSerializerFor(value);
      long start = System.nanoTime();
      byte[] bytes = serialization.serialize(value).get();
      long serialized = System.nanoTime();
      serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value)).get();
      long deserialized = System.nanoTime();
      return new Cbor(bytes.length, (serialized - start) / 1_000_000, (deserialized - serialized) / 1_000_000);
    }
  }

  private static Serialization serialization(ActorTestKit kit) {
    return SerializationExtension.get(kit.system());
  }

  /** Keeps one state, snapshotted after every event, and tells a listener of its snapshots and recovery. */
  static final class SnapshotKeeper extends EventSourcedBehavior<SnapshotKeeper.Command, SnapshotKeeper.Filled, SnapshotKeeper.Held> {
    interface Command {}

    record Fill(Form form, int n, ActorRef<Long> replyTo) implements Command {}

    /** The state is rebuilt from these few bytes: the event stays small, the snapshot is large. */
    record Filled(Form form, int n) implements CborSerializable {}

    interface Held extends CborSerializable {}

    record Nothing() implements Held {}

    record LongIds(long[] ids) implements Held {}

    record PackedIds(int count, byte[] packed) implements Held {}

    record Blob(byte[] bytes) implements Held {}

    interface Signal {}

    record Saved(long atNanos) implements Signal {}

    record Failed(long atNanos, Throwable cause) implements Signal {}

    record Recovered(long atNanos, Held state) implements Signal {}

    private final ActorRef<Signal> listener;

    private SnapshotKeeper(PersistenceId id, ActorRef<Signal> listener) {
      super(id);
      this.listener = listener;
    }

    static Behavior<Command> create(String persistenceId, ActorRef<Signal> listener) {
      return new SnapshotKeeper(PersistenceId.ofUniqueId(persistenceId), listener);
    }

    static Held fill(Form form, int n) {
      return switch (form) {
        case LONGS -> new LongIds(Ids.arrival(n, n));
        case PACKED -> new PackedIds(n, Ids.pack(Ids.arrival(n, n)));
        case BLOB -> {
          byte[] bytes = new byte[n];
          new SplittableRandom(n).nextBytes(bytes);
          yield new Blob(bytes);
        }
      };
    }

    @Override
    public Held emptyState() {
      return new Nothing();
    }

    @Override
    public CommandHandler<Command, Filled, Held> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Fill.class, (state, fill) -> Effect().persist(new Filled(fill.form(), fill.n()))
              .thenReply(fill.replyTo(), after -> System.nanoTime()))
          .build();
    }

    @Override
    public EventHandler<Held, Filled> eventHandler() {
      return (state, filled) -> fill(filled.form(), filled.n());
    }

    @Override
    public boolean shouldSnapshot(Held state, Filled event, long sequenceNr) {
      return true;
    }

    @Override
    public SignalHandler<Held> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(SnapshotCompleted.class, (state, done) -> listener.tell(new Saved(System.nanoTime())))
          .onSignal(SnapshotFailed.class, (state, failed) -> listener.tell(new Failed(System.nanoTime(), failed.getFailure())))
          .onSignal(RecoveryCompleted.instance(), state -> listener.tell(new Recovered(System.nanoTime(), state)))
          .build();
    }
  }

  // ---- ids ----

  /** Event ids as publishers make them and processors see them arrive. */
  static final class Ids {
    private static final long START_MS = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli()
        - Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final int PUBLISHERS = 4;

    private Ids() {}

    /**
     * {@code n} ids of four publishers at 5,000 events/s together ({@code ms << 22 | node << 12
     * | seq}), in arrival order: ascending, except that each id may swap with one up to eight
     * places away, as events of a few milliseconds overtake each other between publishers and
     * processors.
     */
    static long[] arrival(int n, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      long[] ids = new long[n];
      int i = 0;
      for (long ms = START_MS; i < n; ms++) {
        for (int node = 1; node <= PUBLISHERS && i < n; node++) {
          int inThisMs = random.nextInt(4) == 0 ? 2 : random.nextInt(2);   // 1.25 a millisecond on average
          for (int seq = 0; seq < inThisMs && i < n; seq++) {
            ids[i++] = (ms << 22) | ((long) node << 12) | seq;
          }
        }
      }
      for (int j = 0; j < n; j++) {
        int k = Math.min(n - 1, j + random.nextInt(9));
        long swap = ids[j];
        ids[j] = ids[k];
        ids[k] = swap;
      }
      return ids;
    }

    /** Each id as the zigzag varint of its difference to the one before, in arrival order. */
    static byte[] pack(long[] ids) {
      return IdCodec.pack(ids);
    }

    static long[] unpack(byte[] packed, int count) {
      return IdCodec.decode(packed, count);
    }
  }

  private static String count(int n) {
    return n >= 1_000_000 ? n / 1_000_000 + "m" : n / 1_000 + "k";
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
