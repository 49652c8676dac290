package casino.config;

/** Prints the effective settings, secrets masked: {@code mvn -q exec:java@settings}. */
public final class SettingsMain {
  private SettingsMain() {}

  public static void main(String[] args) {
    try {
      Settings settings = Settings.load();
      System.out.println(settings.rabbit());
      System.out.println(settings.redis());
      System.out.println(settings.rates());
      System.out.println(settings.database());
      System.out.println(settings.http());
      System.out.println(settings.processor());
      System.out.println(settings.cluster());
      System.out.println(settings.publisher());
    } catch (InvalidSettingsException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
    }
  }
}
