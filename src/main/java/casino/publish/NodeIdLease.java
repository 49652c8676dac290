package casino.publish;

import casino.config.Settings;
import casino.redis.OwnerToken;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A publisher node id (0-63, {@link IdGenerator#NODE_IDS}) that no other running publisher holds: leased in Redis
 * ({@code SET key token NX PX}), renewed while the publisher runs, released when it stops. With
 * distinct node ids, the ids of publishers running at the same time never collide.
 */
final class NodeIdLease implements AutoCloseable {
  static final Duration TTL = Duration.ofSeconds(30);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String key;
  private final String token = UUID.randomUUID().toString();
  private final int nodeId;
  private final ScheduledExecutorService renewer;

  private NodeIdLease(RedisClient client, StatefulRedisConnection<String, String> connection, String key, int nodeId) {
    this.client = client;
    this.connection = connection;
    this.key = key;
    this.nodeId = nodeId;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "publisher-node-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /** Takes a free node id, starting from a random one; fails when Redis is unreachable or all are taken. */
  static NodeIdLease acquire(Settings.Redis redis) {
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setTimeout(Duration.ofSeconds(5));
    RedisClient client = RedisClient.create(uri);
    StatefulRedisConnection<String, String> connection;
    try {
      connection = client.connect();
    } catch (RedisException e) {
      client.shutdown();
      throw new IllegalStateException("cannot lease a publisher node id from Redis at " + redis.uri()
          + " (" + e.getMessage() + "); set PUBLISHER_NODE_ID to choose one yourself", e);
    }
    RedisCommands<String, String> commands = connection.sync();
    int start = new SecureRandom().nextInt(IdGenerator.NODE_IDS);
    for (int i = 0; i < IdGenerator.NODE_IDS; i++) {
      int candidate = (start + i) % IdGenerator.NODE_IDS;
      String key = redis.keyPrefix() + "publisher-node:" + candidate;
      NodeIdLease lease = new NodeIdLease(client, connection, key, candidate);
      if ("OK".equals(commands.set(key, lease.token, SetArgs.Builder.nx().px(TTL.toMillis())))) {
        lease.renewer.scheduleAtFixedRate(lease::renew, TTL.toMillis() / 3, TTL.toMillis() / 3, TimeUnit.MILLISECONDS);
        return lease;
      }
    }
    connection.close();
    client.shutdown();
    throw new IllegalStateException("all " + IdGenerator.NODE_IDS + " publisher node ids are leased; set PUBLISHER_NODE_ID");
  }

  int nodeId() {
    return nodeId;
  }

  private void renew() {
    try {
      connection.sync().eval(OwnerToken.RENEW, ScriptOutputType.INTEGER, new String[] {key}, token, Long.toString(TTL.toMillis()));
    } catch (RedisException e) {
      // Redis away for a moment: the lease lasts TTL; the next renewal tries again.
    }
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      connection.sync().eval(OwnerToken.RELEASE, ScriptOutputType.INTEGER, new String[] {key}, token);
    } catch (RedisException e) {
      // It expires on its own.
    }
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
  }
}
