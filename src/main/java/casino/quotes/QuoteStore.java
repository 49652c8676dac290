package casino.quotes;

import casino.config.Settings;
import casino.domain.Currency;
import casino.redis.OwnerToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Redis side of the quote cache: the last fetched quotes (all currencies together, expiring so
 * that no copy outlives the TTL counted from the fetch) and the owner-token lock that lets one
 * fetch at a time reach the API across every processor of a deployment.
 */
public final class QuoteStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RedisClient client;
  private final RedisURI uri;
  /** Connected on first use, so that a processor starts while Redis is away; Lettuce then reconnects by itself. */
  private volatile CompletableFuture<StatefulRedisConnection<String, String>> connection;
  private final String quotesKey;
  private final String lockKey;
  private final Clock clock;

  public QuoteStore(Settings.Redis settings, String keyPrefix, Clock clock) {
    this.uri = RedisURI.create(settings.uri());
    this.client = RedisClient.create();
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // Fail at once while Redis is away instead of queueing: callers retry with backoff.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
        .build());
    this.quotesKey = keyPrefix + "quotes";
    this.lockKey = keyPrefix + "quotes:lock";
    this.clock = clock;
  }

  private CompletionStage<RedisAsyncCommands<String, String>> redis() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current == null || current.isCompletedExceptionally()) {
      synchronized (this) {
        current = connection;
        if (current == null || current.isCompletedExceptionally()) {
          current = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
          connection = current;
        }
      }
    }
    return current.thenApply(StatefulRedisConnection::async);
  }

  public CompletionStage<Optional<Quotes>> read() {
    return redis().thenCompose(redis -> redis.get(quotesKey)).thenApply(QuoteStore::decode);
  }

  /** Keeps the quotes for what is left of their TTL, counted from their fetch. */
  public CompletionStage<Boolean> write(Quotes quotes, Duration ttl) {
    long remainingMs = ttl.minus(quotes.age(clock.instant())).toMillis();
    if (remainingMs <= 0) {
      return CompletableFuture.completedFuture(false);
    }
    return redis().thenCompose(redis -> redis.set(quotesKey, encode(quotes), SetArgs.Builder.px(remainingMs)))
        .thenApply("OK"::equals);
  }

  /** {@code SET lock token NX PX ttl}: true when we now hold the lock. */
  public CompletionStage<Boolean> tryLock(String token, Duration ttl) {
    return redis().thenCompose(redis -> redis.set(lockKey, token, SetArgs.Builder.nx().px(ttl.toMillis())))
        .thenApply("OK"::equals);
  }

  /** Compare-and-delete: true when the lock was still ours and is now released. */
  public CompletionStage<Boolean> unlock(String token) {
    return redis().thenCompose(redis -> redis.<Long>eval(OwnerToken.RELEASE, ScriptOutputType.INTEGER, new String[] {lockKey}, token))
        .thenApply(deleted -> deleted != null && deleted == 1L);
  }

  /** True when Redis answers a PING now (readiness). */
  public boolean connected() {
    try {
      return "PONG".equals(redis().thenCompose(RedisAsyncCommands::ping).toCompletableFuture().get(1, TimeUnit.SECONDS));
    } catch (Exception e) {
      return false;
    }
  }

  static String encode(Quotes quotes) {
    ObjectNode node = JSON.createObjectNode();
    node.put("fetched_at_ms", quotes.fetchedAt().toEpochMilli());
    ObjectNode perEur = node.putObject("quotes");
    quotes.perEur().forEach((currency, quote) -> perEur.put("EUR" + currency.name(), quote.toPlainString()));
    return node.toString();
  }

  static Optional<Quotes> decode(String stored) {
    if (stored == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(stored);
      Map<Currency, BigDecimal> perEur = new EnumMap<>(Currency.class);
      for (Currency currency : Currency.values()) {
        JsonNode quote = node.path("quotes").path("EUR" + currency.name());
        if (!quote.isMissingNode()) {
          perEur.put(currency, new BigDecimal(quote.asText()));
        }
      }
      return Optional.of(new Quotes(perEur, Instant.ofEpochMilli(node.path("fetched_at_ms").asLong())));
    } catch (Exception e) {
      // An unreadable copy is as good as none: it will be fetched again and overwritten.
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
      current.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
