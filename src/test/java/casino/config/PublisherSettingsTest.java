package casino.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.publish.IdGenerator;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** PUBLISHER_NODE_ID takes exactly the node ids that event ids have room for. */
class PublisherSettingsTest {

  private static Settings withNodeId(String nodeId) {
    return Settings.from(ConfigFactory.parseMap(Map.of("casino.publisher.node-id", nodeId))
        .withFallback(ConfigFactory.load()));
  }

  @Test
  void nodeIdsFitTheIdLayout() {
    assertEquals(OptionalInt.of(0), withNodeId("0").publisher().nodeId());
    assertEquals(OptionalInt.of(IdGenerator.NODE_IDS - 1), withNodeId("63").publisher().nodeId());
    for (String bad : new String[] {"64", "1023", "-1", "abc"}) {
      InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> withNodeId(bad));
      assertTrue(e.getMessage().contains("PUBLISHER_NODE_ID) must be an integer 0-63, got " + bad), e.getMessage());
    }
  }
}
