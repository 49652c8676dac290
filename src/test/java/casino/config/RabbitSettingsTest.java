package casino.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RABBITMQ_HEARTBEAT: what AMQP can carry (whole seconds, 1-65535), never off. */
class RabbitSettingsTest {

  private static Settings withHeartbeat(String heartbeat) {
    return Settings.from(ConfigFactory.parseMap(Map.of("casino.rabbitmq.heartbeat", heartbeat))
        .withFallback(ConfigFactory.load()));
  }

  @Test
  void theHeartbeatIsTenSecondsByDefault() {
    assertEquals(Duration.ofSeconds(10), Settings.load().rabbit().heartbeat());
    assertEquals(Duration.ofSeconds(4), withHeartbeat("4s").rabbit().heartbeat());
  }

  @Test
  void aHeartbeatAmqpCannotCarryIsAClearError() {
    // "4" alone is 4 milliseconds in HOCON: refused rather than rounded to nothing.
    for (String bad : new String[] {"0s", "4", "1500ms", "65536s", "-1s"}) {
      InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> withHeartbeat(bad));
      assertTrue(e.getMessage().contains("heartbeat"), e.getMessage());
    }
  }
}
