package casino.redis;

/**
 * Redis keys held with an owner token ({@code SET key token NX PX ttl}): the quote cache's
 * refresh lock and the publishers' node-id leases. Only the owner may extend or release such a
 * key; these scripts check the token and act in one step, so a holder whose key expired and was
 * taken by another never touches the new owner's key.
 */
public final class OwnerToken {
  /** KEYS[1] the key, ARGV[1] the token: deletes the key if it is still ours; 1 when deleted. */
  public static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  /** KEYS[1] the key, ARGV[1] the token, ARGV[2] the new TTL in ms: 1 when extended. */
  public static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

  private OwnerToken() {}
}
