package casino.ingest;

/** The source lost its broker connection or its consumer; a restart reconnects. */
public final class AmqpSourceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AmqpSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
