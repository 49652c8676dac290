package casino.config;

/** Configuration that cannot be used; the message names the setting and what it accepts. */
public final class InvalidSettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
