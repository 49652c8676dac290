package casino.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import scala.concurrent.ExecutionContext;

/**
 * What {@code /ready} reports, kept up to date in the background: SPEC 10 wants it answered in
 * under 10 ms whatever the load, and the checks block (a ping, a database round trip). Each named
 * check runs on the given executor every interval and counts as failed when it has not answered
 * within the timeout, or threw, or has not answered yet at all. A check still running from an
 * earlier round is not started again, so a hanging dependency holds one thread, not one per round.
 */
public final class Readiness {
  private final List<Check> checks;
  private final Executor executor;
  private final Duration timeout;

  /** {@code checks} in the order {@code /ready} names them. */
  public Readiness(Map<String, BooleanSupplier> checks, Executor executor, Duration timeout) {
    this.checks = checks.entrySet().stream().map(c -> new Check(c.getKey(), c.getValue())).toList();
    this.executor = executor;
    this.timeout = timeout;
  }

  /** Runs the checks now and every {@code interval} from then on; cancel to stop. */
  public Cancellable start(Scheduler scheduler, Duration interval, ExecutionContext timerContext) {
    return scheduler.scheduleWithFixedDelay(Duration.ZERO, interval, this::runChecks, timerContext);
  }

  /** Starts every check that is not still running; returns at once. */
  public void runChecks() {
    checks.forEach(Check::start);
  }

  /** Whether every check of {@code results} passed: the node is ready. */
  public static boolean allPassed(Map<String, Boolean> results) {
    return results.values().stream().allMatch(Boolean::booleanValue);
  }

  /** The last result of each check, in order. */
  public Map<String, Boolean> results() {
    Map<String, Boolean> results = new LinkedHashMap<>();
    checks.forEach(check -> results.put(check.name, check.passed));
    return results;
  }

  private final class Check {
    final String name;
    final BooleanSupplier probe;
    final AtomicBoolean running = new AtomicBoolean();
    volatile boolean passed;

    Check(String name, BooleanSupplier probe) {
      this.name = name;
      this.probe = probe;
    }

    void start() {
      if (!running.compareAndSet(false, true)) {
        return;
      }
      CompletableFuture<Boolean> answer;
      try {
        answer = CompletableFuture.supplyAsync(probe::getAsBoolean, executor);
      } catch (RejectedExecutionException e) {
        running.set(false);
        passed = false;
        return;
      }
      answer.whenComplete((result, failure) -> running.set(false));
      answer.exceptionally(failure -> false)
          .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
          .thenAccept(result -> passed = result);
    }
  }
}
