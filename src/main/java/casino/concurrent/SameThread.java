package casino.concurrent;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a callback on the thread that completes the future.
 *
 * <p>Needed for stages that come from Scala futures (asks, stage callbacks): their Java view
 * runs plain {@code thenApply}/{@code handle} callbacks asynchronously on the common pool,
 * which on a 2-core machine means a new thread per callback. Only for short callbacks. Asks
 * go through {@link Asks}, which does this once for every callback after it.
 */
public final class SameThread {
  /**
   * As an {@link ExecutorService}, for libraries that want one (amqp-client's consumer
   * dispatch). Never shuts down: it owns no thread. Only for callbacks that never block.
   */
  public static final ExecutorService EXECUTOR_SERVICE = new AbstractExecutorService() {
    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  };

  public static final Executor EXECUTOR = EXECUTOR_SERVICE;

  /** {@code stage} as a plain future, completed on the thread that completes {@code stage}. */
  public static <T> CompletableFuture<T> plain(CompletionStage<T> stage) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure == null) {
        plain.complete(value);
      } else {
        plain.completeExceptionally(failure);
      }
    }, EXECUTOR);
    return plain;
  }

  private SameThread() {}
}
