package casino.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.config.Settings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Node id leases against the real Redis. */
class NodeIdLeaseIT {
  private final Settings.Redis redis = new Settings.Redis(Settings.load().redis().uri(), "test:" + UUID.randomUUID() + ":");

  @Test
  void publishersRunningTogetherGetDistinctNodeIdsAndReleaseThem() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      String firstKey;
      try (NodeIdLease first = NodeIdLease.acquire(redis); NodeIdLease second = NodeIdLease.acquire(redis)) {
        assertNotEquals(first.nodeId(), second.nodeId());
        firstKey = redis.keyPrefix() + "publisher-node:" + first.nodeId();
        long ttl = connection.sync().pttl(firstKey);
        assertTrue(ttl > 0 && ttl <= NodeIdLease.TTL.toMillis(), "lease must expire on its own: " + ttl);
      }
      assertEquals(0, connection.sync().exists(firstKey), "lease not released");
    } finally {
      client.shutdown();
    }
  }
}
