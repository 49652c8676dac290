package casino.view;

import casino.publish.IdGenerator;
import casino.testing.MovingClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What asking the remembered ids about a new id costs once a whole horizon is remembered (six
 * generations), in one run: for the publisher's ids, which grow with time (a new one is above
 * every older generation's range, one probe), and for ids spread over the whole range (from
 * other publishers: every generation is probed, as every lookup was before the ranges). Also
 * redeliveries, ids remembered in older generations. Run with
 * {@code bin/bench ids [ids-per-second] [rounds]}; an hour of ids at that rate is remembered.
 */
public final class RecentIdsBenchmark {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration HORIZON = Duration.ofHours(1);
  private static final long MAX_IDS = 20_000_000;
  private static final int BATCH = 500;
  private static final int LOOKUPS = 2_000_000;

  public static void main(String[] args) {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    long idsInHorizon = rate * HORIZON.toSeconds() - 1;   // the oldest generation stays within the horizon

    MovingClock clock = new MovingClock(START);
    IdGenerator generator = new IdGenerator(3, clock);
    SplittableRandom random = new SplittableRandom(42);
    RecentIds ordered = new RecentIds(HORIZON, MAX_IDS);
    RecentIds anywhere = new RecentIds(HORIZON, MAX_IDS);
    // Redeliveries: ids remembered in older generations (not dropped early under the cap at high rates).
    long[] redelivered = new long[(int) Math.min(LOOKUPS, idsInHorizon)];
    long redeliveredFrom = Math.max(0, idsInHorizon - redelivered.length - idsInHorizon / 3);
    for (long i = 0; i < idsInHorizon; i++) {
      Instant at = START.plusNanos(i * 1_000_000_000L / rate);
      clock.set(at);
      long id = generator.next();
      ordered.add(id, at);
      anywhere.add(any(random), at);
      if (i >= redeliveredFrom && i < redeliveredFrom + redelivered.length) {
        redelivered[(int) (i - redeliveredFrom)] = id;
      }
    }
    Instant end = clock.instant().plusMillis(1);
    System.out.printf(Locale.ROOT, "remembered: %,d ids of the publisher's, %,d ids anywhere in the range, an hour at %,d/s%n",
        ordered.size(), anywhere.size(), rate);

    // New ids: the same publisher's next ones (above every generation's range); another
    // publisher's from the last minute, arriving late (inside the newest generation's range:
    // one probe); and ids anywhere in the range (inside every generation's).
    long[] latest = new long[LOOKUPS];
    long[] late = new long[LOOKUPS];
    long[] newAnywhere = new long[LOOKUPS];
    MovingClock lateClock = new MovingClock(START);
    IdGenerator otherPublisher = new IdGenerator(4, lateClock);
    for (int i = 0; i < LOOKUPS; i++) {
      clock.set(end.plusMillis(i / 64));   // the generator's 64 ids a millisecond
      latest[i] = generator.next();
      lateClock.set(end.minusSeconds(60).plusNanos(i * (60_000_000_000L / LOOKUPS)));
      late[i] = otherPublisher.next();
      newAnywhere[i] = any(random);
    }
    double[] latestNs = new double[rounds];
    double[] lateNs = new double[rounds];
    double[] anywhereNs = new double[rounds];
    double[] redeliveredNs = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      latestNs[round] = nanosPerLookup(ordered, latest, LOOKUPS);
      lateNs[round] = nanosPerLookup(ordered, late, LOOKUPS);
      anywhereNs[round] = nanosPerLookup(anywhere, newAnywhere, LOOKUPS);
      redeliveredNs[round] = nanosPerLookup(ordered, redelivered, 0);
      System.out.printf(Locale.ROOT, "round %d, ns per id asked about: new ids %.1f (the publisher's next), %.1f (another's, "
              + "a minute late), %.1f (anywhere: every generation probed); %,d redelivered %.1f%n",
          round + 1, latestNs[round], lateNs[round], anywhereNs[round], redelivered.length, redeliveredNs[round]);
    }
    System.out.printf(Locale.ROOT, "RESULT rate=%d ids=%d new_next_ns=%.1f new_late_ns=%.1f new_anywhere_ns=%.1f redelivered_ns=%.1f"
            + " anywhere_over_late=%.2f%n",
        rate, ordered.size(), median(latestNs), median(lateNs), median(anywhereNs), median(redeliveredNs),
        median(anywhereNs) / median(lateNs));
  }

  /** Asks about {@code ids} in batches of {@value #BATCH}, as the keeper is asked; {@code expectUnseen} checks the answers. */
  private static double nanosPerLookup(RecentIds ids, long[] probes, int expectUnseen) {
    long unseen = 0;
    long start = System.nanoTime();
    for (int from = 0; from < probes.length; from += BATCH) {
      unseen += ids.unseen(Arrays.copyOfRange(probes, from, Math.min(probes.length, from + BATCH))).length;
    }
    long elapsed = System.nanoTime() - start;
    if (unseen != expectUnseen) {
      throw new IllegalStateException("expected " + expectUnseen + " unseen, got " + unseen);
    }
    return (double) elapsed / probes.length;
  }

  /** An id of another publisher's: anywhere in 1 .. 2^53 - 1. */
  private static long any(SplittableRandom random) {
    return 1 + random.nextLong(IdGenerator.MAX_ID);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
