package casino.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.Done;

/**
 * Control of a running {@link AmqpSource}, valid across its reconnections: drains it and
 * reports its state (for readiness checks and tests).
 */
public final class AmqpControl {
  private final CompletableFuture<Done> drained = new CompletableFuture<>();
  private volatile boolean draining;
  private volatile boolean connected;
  private volatile int unacked;
  /** The running stage's drain trigger, between its start and its stop. */
  private final AtomicReference<Consumer<Boolean>> attachedStage = new AtomicReference<>();

  /**
   * Stops taking messages (the ones buffered but not yet emitted go back to the queue), lets
   * the emitted ones be settled, then completes the source. The returned stage completes when
   * that is done, or fails if the acks did not arrive within the drain timeout (the broker then
   * redelivers what was left).
   */
  public CompletionStage<Done> drain() {
    draining = true;
    Consumer<Boolean> stage = attachedStage.get();
    if (stage != null) {
      stage.accept(Boolean.TRUE);
    }
    return drained;
  }

  public boolean draining() {
    return draining;
  }

  /** True while a channel is open and consuming. */
  public boolean connected() {
    return connected;
  }

  /** Messages emitted and not yet settled, on the current channel. */
  public int unacked() {
    return unacked;
  }

  /**
   * Attaches a starting stage; true when a drain was requested already (the stage then stops at
   * once). Attached first, then checked, while {@link #drain()} sets its flag first, then looks
   * for a stage: a drain racing the start is seen by one side or both, never lost. Both is
   * harmless: stopping is idempotent.
   */
  boolean attach(Consumer<Boolean> drainTrigger) {
    attachedStage.set(drainTrigger);
    return draining;
  }

  /** Only the stage's own: a later stage may have attached already. */
  void detach(Consumer<Boolean> drainTrigger) {
    if (attachedStage.compareAndSet(drainTrigger, null)) {
      connected = false;
      unacked = 0;
    }
  }

  void connected(boolean value) {
    connected = value;
  }

  void unacked(int value) {
    unacked = value;
  }

  void drainFinished(Throwable failure) {
    if (failure == null) {
      drained.complete(Done.getInstance());
    } else {
      drained.completeExceptionally(failure);
    }
  }
}
