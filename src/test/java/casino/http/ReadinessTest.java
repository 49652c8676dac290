package casino.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness checks run in the background; their last results are read from memory. */
class ReadinessTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    executor.shutdownNow();
  }

  private static Map<String, BooleanSupplier> checks(BooleanSupplier broker, BooleanSupplier redis, BooleanSupplier database) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("broker", broker);
    checks.put("redis", redis);
    checks.put("database", database);
    return checks;
  }

  private static void awaitResults(Readiness readiness, Predicate<Map<String, Boolean>> expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!expected.test(readiness.results()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(expected.test(readiness.results()), "results: " + readiness.results());
  }

  @Test
  void everyCheckFailsUntilItHasAnsweredAndThenReportsItsAnswer() throws Exception {
    Readiness readiness = new Readiness(checks(() -> true, () -> false, () -> {
      throw new IllegalStateException("no database");
    }), executor, Duration.ofSeconds(1));

    assertEquals(List.of("broker", "redis", "database"), List.copyOf(readiness.results().keySet()));
    assertEquals(List.of(false, false, false), List.copyOf(readiness.results().values()));

    readiness.runChecks();

    awaitResults(readiness, r -> r.get("broker"));
    assertEquals(Map.of("broker", true, "redis", false, "database", false), readiness.results());
  }

  @Test
  void aHangingCheckFailsAfterItsTimeoutHoldsOneThreadAndResultsStayInstant() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicBoolean up = new AtomicBoolean(true);
    Readiness readiness = new Readiness(checks(() -> true, () -> true, () -> {
      started.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return up.get();
    }), executor, Duration.ofMillis(200));

    for (int round = 0; round < 5; round++) {
      readiness.runChecks();
      long before = System.nanoTime();
      readiness.results();
      // Far below the check's timeout, let alone the hanging check: results never wait for a check.
      assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(50), "results must not wait for the checks");
    }
    awaitResults(readiness, r -> r.get("broker") && r.get("redis"));
    Thread.sleep(400);
    assertEquals(false, readiness.results().get("database"), "a check that did not answer in time has failed");
    assertEquals(1, started.get(), "a check still running must not be started again");

    release.countDown();   // the database answers again
    Thread.sleep(100);
    readiness.runChecks();
    awaitResults(readiness, r -> r.get("database"));
    assertEquals(2, started.get());
  }

  @Test
  void onAScheduleTheResultsFollowTheChecks() throws Exception {
    ActorTestKit testKit = ActorTestKit.create();
    AtomicBoolean redis = new AtomicBoolean(true);
    Readiness readiness = new Readiness(checks(() -> true, redis::get, () -> true), executor, Duration.ofSeconds(1));
    Cancellable checking = readiness.start(testKit.system().scheduler(), Duration.ofMillis(100), testKit.system().executionContext());
    try {
      awaitResults(readiness, r -> !r.containsValue(false));
      redis.set(false);
      awaitResults(readiness, r -> !r.get("redis"));
      redis.set(true);
      awaitResults(readiness, r -> r.get("redis"));
    } finally {
      checking.cancel();
      testKit.shutdownTestKit();
    }
  }
}
