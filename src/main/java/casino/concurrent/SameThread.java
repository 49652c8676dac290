package casino.concurrent;

import java.util.concurrent.Executor;

/**
 * Runs a callback on the thread that completes the future.
 *
 * <p>Needed for stages that come from Scala futures (asks, stage callbacks): their Java view
 * runs plain {@code thenApply}/{@code handle} callbacks asynchronously on the common pool,
 * which on a 2-core machine means a new thread per callback. Only for short callbacks.
 */
public final class SameThread {
  public static final Executor EXECUTOR = Runnable::run;

  private SameThread() {}
}
