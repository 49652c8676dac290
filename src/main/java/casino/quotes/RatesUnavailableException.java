package casino.quotes;

/** The rates API did not give usable quotes: down, slow, an error, or an answer that makes no sense. */
public final class RatesUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RatesUnavailableException(String message) {
    super(message);
  }
}
