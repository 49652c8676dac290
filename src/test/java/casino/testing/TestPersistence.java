package casino.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The processor's own configuration ({@code conf/processor.conf}) for an actor system in a
 * test: Pekko Persistence writes to the test's schema through the same settings a processor
 * uses for the players' database, on a local (not clustered) actor system.
 */
public final class TestPersistence {
  private TestPersistence() {}

  public static Config config(TestSchema schema) {
    return config(schema, Map.of());
  }

  /** {@code overrides}: further settings, paths to values, over the processor's. */
  public static Config config(TestSchema schema, Map<String, ?> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("casino.database.url", schema.database().url());
    settings.put("casino.database.user", schema.database().user());
    settings.put("casino.database.password", schema.database().password());
    settings.put("pekko.actor.provider", "local");
    settings.put("pekko.coordinated-shutdown.exit-jvm", "off");
    settings.putAll(overrides);
    // Unresolved until the overrides are in: the persistence block refers to casino.database.*.
    return ConfigFactory.load(ConfigFactory.parseMap(settings).withFallback(ConfigFactory.parseResourcesAnySyntax("processor")));
  }
}
