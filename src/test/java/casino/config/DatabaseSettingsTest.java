package casino.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The database's query timeout: bounded by default, below the enrichment timeout, never zero. */
class DatabaseSettingsTest {

  @Test
  void aHungQueryFailsBeforeTheEnrichmentTimeoutByDefault() {
    Settings settings = Settings.load();

    assertEquals(Duration.ofSeconds(2), settings.database().queryTimeout());
    assertTrue(settings.database().queryTimeout().compareTo(settings.processor().enrichmentTimeout()) < 0);
    assertTrue(settings.database().toString().contains("queryTimeout=PT2S"), settings.database().toString());
  }

  @Test
  void aZeroQueryTimeoutIsAClearError() {
    InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> Settings.from(
        ConfigFactory.parseString("casino.database.query-timeout = 0s").withFallback(ConfigFactory.load())));

    assertTrue(e.getMessage().contains("query-timeout must be a positive duration"), e.getMessage());
  }
}
