package casino.domain;

/** A message that can never become a valid event, whatever is retried: it is dead-lettered at once. */
public final class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String reason) {
    super(reason);
  }

  public InvalidEventException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
