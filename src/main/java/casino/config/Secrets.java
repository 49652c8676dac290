package casino.config;

import java.util.regex.Pattern;

/** Keeps passwords and keys out of logs and messages. */
public final class Secrets {
  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@/]*@");
  private static final Pattern ACCESS_KEY = Pattern.compile("(access_key=)[^&]*");

  private Secrets() {}

  public static String mask(String secret) {
    return secret == null || secret.isEmpty() ? "" : "***";
  }

  /** {@code amqp://user:pw@host} becomes {@code amqp://user:***@host}. */
  public static String maskUri(String uri) {
    return ACCESS_KEY.matcher(URI_PASSWORD.matcher(uri).replaceAll("$1***@")).replaceAll("$1***");
  }
}
