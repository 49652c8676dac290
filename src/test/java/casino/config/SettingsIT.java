package casino.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import casino.testing.JavaProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Environment variables override conf/application.conf, in a real JVM started with them. */
class SettingsIT {

  @Test
  void environmentOverridesTheFile() throws Exception {
    String out = printed(Map.of(
        "RABBITMQ_ADDRESS", "amqp://alice:s3cret@mq.example:5673/prod",
        "REDIS_ADDRESS", "cache.example:6380",
        "API_KEY", "k3y-value",
        "EXCHANGE_API_URL", "http://rates.example/api",
        "POSTGRES_URL", "jdbc:postgresql://db.example:5433/casino",
        "POSTGRES_USER", "bob",
        "POSTGRES_PASSWORD", "pw-value",
        "HTTP_PORT", "3100",
        "EVENTS_QUEUE", "ev",
        "DEAD_LETTER_QUEUE", "dl"));

    assertTrue(out.contains("uri=amqp://alice:***@mq.example:5673/prod"), out);
    assertTrue(out.contains("eventsQueue=ev, deadLetterQueue=dl"), out);
    assertTrue(out.contains("Redis[uri=redis://cache.example:6380, keyPrefix=casino:]"), out);
    assertTrue(out.contains("baseUrl=http://rates.example/api, apiKey=***"), out);
    assertTrue(out.contains("url=jdbc:postgresql://db.example:5433/casino, user=bob, password=***"), out);
    assertTrue(out.contains("Http[host=0.0.0.0, port=3100]"), out);
    assertNotPrinted(out, "s3cret", "k3y-value", "pw-value");
  }

  @Test
  void clusterSettingsFromTheEnvironmentWithTlsPasswordsMasked() throws Exception {
    String out = printed(Map.of(
        "CLUSTER_DISCOVERY", "config",
        "CLUSTER_CONTACT_POINTS", "node-1.example:8558,node-2.example:8558,node-3.example:8558",
        "CLUSTER_REQUIRED_CONTACT_POINTS", "3",
        "CLUSTER_TLS", "on",
        "CLUSTER_TLS_KEYSTORE", "/secrets/node.p12",
        "CLUSTER_TLS_KEYSTORE_PASSWORD", "ks-secret",
        "CLUSTER_TLS_KEY_PASSWORD", "key-secret",
        "CLUSTER_TLS_TRUSTSTORE", "/secrets/truststore.p12",
        "CLUSTER_TLS_TRUSTSTORE_PASSWORD", "ts-secret"));

    assertTrue(out.contains("Cluster[discovery=CONFIG, seedNodes=[], serviceName=casino, contactPoints=[node-1.example:8558,"
        + " node-2.example:8558, node-3.example:8558], requiredContactPoints=3"), out);
    assertTrue(out.contains("Tls[enabled=true, keyStore=/secrets/node.p12, keyStorePassword=***, keyPassword=***,"
        + " trustStore=/secrets/truststore.p12, trustStorePassword=***]"), out);
    assertNotPrinted(out, "ks-secret", "key-secret", "ts-secret");
  }

  @Test
  void processorSettingsFromTheEnvironment() throws Exception {
    String out = printed(Map.of(
        "ENRICHMENT_TIMEOUT", "7s",
        "PROCESSOR_WORKERS", "3",
        "PROCESSOR_BATCH_LINGER", "0s",
        "PROCESSOR_LINGER_FROM_RATE", "12000",
        "PROCESSOR_COUNT_GATHER", "0s"));

    assertTrue(out.contains("Processor[enrichmentTimeout=PT7S, workers=3, batchLinger=PT0S, lingerFromRate=12000, countGather=PT0S]"),
        out);
  }

  @Test
  void withoutEnvironmentTheFileApplies() throws Exception {
    String out = printed(Map.of());

    assertTrue(out.contains("eventsQueue=events, deadLetterQueue=dead_letter"), out);
    assertTrue(out.contains("port=3000"), out);
    assertTrue(out.contains("batchLinger=PT0.005S, lingerFromRate=5000, countGather=PT0.035S"), out);
    assertTrue(out.contains("Cluster[discovery=SEED_NODES, seedNodes=[]"), out);
    assertTrue(out.contains("Tls[enabled=false"), out);
  }

  @Test
  void aBadValueIsAClearError() throws Exception {
    JavaProcess process = JavaProcess.start(SettingsMain.class, Map.of("HTTP_PORT", "lots"));

    assertEquals(2, process.waitFor(Duration.ofSeconds(20)));
    assertTrue(process.stderr().startsWith("invalid configuration:"), process.stderr());
    assertTrue(process.stderr().contains("http.port"), process.stderr());
  }

  @Test
  void aNegativeLingerIsAClearError() throws Exception {
    JavaProcess process = JavaProcess.start(SettingsMain.class, Map.of("PROCESSOR_BATCH_LINGER", "-5ms"));

    assertEquals(2, process.waitFor(Duration.ofSeconds(20)));
    assertTrue(process.stderr().contains("processor.batch-linger must not be negative"), process.stderr());
  }

  /** What {@code mvn -q exec:java@settings} prints with this environment (it must succeed). */
  private static String printed(Map<String, String> env) throws Exception {
    JavaProcess process = JavaProcess.start(SettingsMain.class, env);
    assertEquals(0, process.waitFor(Duration.ofSeconds(20)), process.stderr());
    return process.stdout();
  }

  private static void assertNotPrinted(String out, String... secrets) {
    for (String secret : secrets) {
      assertFalse(out.contains(secret), "secret printed: " + secret);
    }
  }
}
