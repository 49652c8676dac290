package casino.concurrent;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Readable reasons from exceptions, for logs, dead-letter headers and answers. */
public final class Failures {
  private Failures() {}

  /** The message of the innermost cause: "Connection refused" rather than its wrappers. */
  public static String rootMessage(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return describe(t);
  }

  /** The message of the failure itself, once the future machinery's wrappers are taken off. */
  public static String message(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return describe(t);
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
