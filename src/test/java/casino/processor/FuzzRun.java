package casino.processor;

import casino.domain.CasinoEvent;
import casino.domain.InvalidEventException;
import casino.domain.WireFormat;
import casino.quotes.SimulatedRatesApi;
import casino.testing.ProcessorProcess;
import casino.testing.TestBroker;
import casino.wire.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Fuzzing a processor in its own JVM: random bytes, valid messages with bytes flipped, and
 * messages whose fields take edge values, published at a steady rate. Afterwards the processor
 * must still be up and every message accounted for: on stdout (by its id) or in the dead-letter
 * queue (by its exact body). {@code bin/bench fuzz [seconds] [rate]}; {@code FuzzIT} runs it briefly.
 */
public final class FuzzRun {
  private static final long[] EDGES = {0, 1, -1, 2, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 53,
      (1L << 53) + 1, 1_000_000_000_000_000L, 1_000_000_000_000_001L, 946_684_800L, 946_684_799L, 4_102_444_800L,
      4_102_444_799L, 40_000_000_000_000_000L, 1_700_000_000_000L};
  private static final String[] TYPES = {"game_start", "bet", "deposit", "game_stop", "", "BET", "cashout", "bet\0"};
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "NZD", "BTC", "", "JPY", "eur"};

  /** What a run published and where it went. */
  public record Result(int published, int written, int deadLettered, int unaccounted, boolean alive, long depthLeft,
      double seconds) {
    /**
     * Every message accounted for, nothing left, the processor up. Lines may be fewer than
     * the messages not dead-lettered: a flipped byte can give one message another's id, and an
     * id the cluster counted already is not written again (SPEC 5).
     */
    boolean clean() {
      return alive && unaccounted == 0 && depthLeft == 0 && written + deadLettered <= published;
    }
  }

  public static Result run(Duration duration, int ratePerSecond, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    try (TestBroker broker = new TestBroker("fuzz"); SimulatedRatesApi api = SimulatedRatesApi.start(0)) {
      api.fixed();
      Map<String, String> env = ProcessorProcess.environment(broker, api);
      env.put("ENRICHMENT_TIMEOUT", "2s");
      try (ProcessorProcess processor = ProcessorProcess.start(env)) {
        List<byte[]> published = new ArrayList<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / ratePerSecond;
        long next = start;
        long id = System.currentTimeMillis() * 1000;
        while (System.nanoTime() - start < duration.toNanos()) {
          byte[] body = switch (random.nextInt(3)) {
            case 0 -> randomBytes(random);
            case 1 -> flipped(valid(++id, random), random);
            default -> edgy(++id, random);
          };
          broker.publish(body);
          published.add(body);
          next += interval;
          LockSupport.parkNanos(next - System.nanoTime());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (broker.depth(broker.settings().eventsQueue()) > 0 && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        Thread.sleep(1_000); // the last batch's lines and dead letters
        boolean alive = processor.get("/health").statusCode() == 200;
        Set<Long> written = new HashSet<>();
        int lines = 0;
        for (JsonNode line : processor.output()) {
          written.add(line.get("id").asLong());
          lines++;
        }
        Map<ByteBuffer, Integer> dead = new HashMap<>();
        List<GetResponse> letters = broker.drain(broker.settings().deadLetterQueue());
        letters.forEach(l -> dead.merge(ByteBuffer.wrap(l.getBody()), 1, Integer::sum));
        int unaccounted = 0;
        for (byte[] body : published) {
          if (dead.merge(ByteBuffer.wrap(body), -1, Integer::sum) >= 0) {
            continue;
          }
          try {
            CasinoEvent event = WireFormat.decode(body);
            if (!written.contains(event.id())) {
              unaccounted++;
            }
          } catch (InvalidEventException e) {
            unaccounted++;
          }
        }
        return new Result(published.size(), lines, letters.size(), unaccounted, alive,
            broker.depth(broker.settings().eventsQueue()), seconds);
      }
    }
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] body = new byte[random.nextInt(64)];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) random.nextInt(256);
    }
    return body;
  }

  private static Event.Builder validBuilder(long id, SplittableRandom random) {
    String type = TYPES[random.nextInt(4)];
    return Event.newBuilder().setId(id).setPlayerId(10 + random.nextInt(10)).setGameId(100 + random.nextInt(10))
        .setType(type).setAmount(random.nextInt(2_000)).setCurrency(CURRENCIES[random.nextInt(5)])
        .setHasWon(random.nextInt(20) == 0).setCreatedAt(Instant.now().getEpochSecond());
  }

  private static byte[] valid(long id, SplittableRandom random) {
    return validBuilder(id, random).build().toByteArray();
  }

  private static byte[] flipped(byte[] body, SplittableRandom random) {
    int flips = 1 + random.nextInt(3);
    for (int i = 0; i < flips && body.length > 0; i++) {
      body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
    }
    return body;
  }

  /** A valid event with one to three fields set to an edge value (the id stays unique and valid). */
  private static byte[] edgy(long id, SplittableRandom random) {
    Event.Builder b = validBuilder(id, random);
    int fields = 1 + random.nextInt(3);
    for (int i = 0; i < fields; i++) {
      long edge = EDGES[random.nextInt(EDGES.length)];
      switch (random.nextInt(7)) {
        case 0 -> b.setPlayerId(edge);
        case 1 -> b.setGameId(edge);
        case 2 -> b.setAmount(edge);
        case 3 -> b.setCreatedAt(edge);
        case 4 -> b.setCreatedAtMs(edge);
        case 5 -> b.setType(TYPES[random.nextInt(TYPES.length)]);
        default -> b.setCurrency(CURRENCIES[random.nextInt(CURRENCIES.length)]);
      }
    }
    return b.build().toByteArray();
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
    long seed = System.nanoTime();
    Result r = run(Duration.ofSeconds(seconds), rate, seed);
    System.out.printf("fuzz: seed %d, %d messages in %.1f s (%.0f/s): %d written, %d dead-lettered, %d unaccounted, "
        + "processor %s, %d left in the queue%n", seed, r.published(), r.seconds(), r.published() / r.seconds(),
        r.written(), r.deadLettered(), r.unaccounted(), r.alive() ? "up" : "DOWN", r.depthLeft());
    System.out.printf("RESULT published=%d written=%d dead_lettered=%d unaccounted=%d processor_up=%s clean=%s%n",
        r.published(), r.written(), r.deadLettered(), r.unaccounted(), r.alive(), r.clean());
    System.exit(r.clean() ? 0 : 1);
  }
}
