package casino.testing;

import casino.quotes.SimulatedRatesApi;
import java.util.Map;

/**
 * What an end-to-end test of one processor needs: queues, a PostgreSQL schema (migrated by the
 * processor at start, with the demo players) and a rates stand-in of its own, and the
 * processor's environment pointing at them, with a 2 s enrichment timeout.
 */
public final class ProcessorFixture implements AutoCloseable {
  public final TestBroker broker;
  public final SimulatedRatesApi api;
  public final TestSchema schema;
  public final Map<String, String> env;

  public ProcessorFixture(String name) throws Exception {
    broker = new TestBroker(name);
    schema = TestSchema.create(name.replace('-', '_'));
    api = SimulatedRatesApi.start(0);
    api.fixed();
    env = ProcessorProcess.environment(broker, api);
    env.put("POSTGRES_URL", schema.database().url());
    env.put("ENRICHMENT_TIMEOUT", "2s");
  }

  @Override
  public void close() throws Exception {
    try {
      api.close();
      broker.close();
    } finally {
      schema.close();
    }
  }
}
