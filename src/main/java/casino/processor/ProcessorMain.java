package casino.processor;

import casino.broker.Broker;
import casino.cluster.ClusterConfig;
import casino.config.InvalidSettingsException;
import casino.config.Settings;
import casino.players.Migrations;
import casino.quotes.SimulatedRatesApi;
import com.rabbitmq.client.Connection;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mvn -q exec:java@processor}: one processor node (pipeline and HTTP API). SIGTERM or
 * SIGINT drains it: in-flight events finish and are acked, then it exits 0.
 */
public final class ProcessorMain {
  private static final Logger log = LoggerFactory.getLogger(ProcessorMain.class);

  private ProcessorMain() {}

  public static void main(String[] args) {
    Config config = ConfigFactory.load("processor");
    Settings settings;
    try {
      settings = Settings.from(config);
    } catch (InvalidSettingsException e) {
      System.err.println("processor: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      settings = withRatesApi(settings);
      prepare(settings);
    } catch (Exception e) {
      System.err.println("processor: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActorSystem<Void> system = ActorSystem.create(Processor.create(settings), "casino",
        ClusterConfig.pekko(settings.cluster()).withFallback(config));
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal),
          s -> CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason()));
    }
  }

  /** Without an API key the rates come from the built-in stand-in of the API. */
  private static Settings withRatesApi(Settings settings) throws java.io.IOException {
    if (!settings.rates().simulated()) {
      return settings;
    }
    SimulatedRatesApi api = SimulatedRatesApi.start(0);
    log.warn("no API_KEY: exchange rates are SIMULATED by a local stand-in of the rates API at {}", api.baseUrl());
    return new Settings(settings.rabbit(), settings.redis(), settings.rates().withBaseUrl(api.baseUrl(), "simulated"),
        settings.database(), settings.http(), settings.processor(), settings.cluster(), settings.publisher(), settings.view());
  }

  /** Schema and queues first: a processor that starts is one that can work. */
  private static void prepare(Settings settings) throws Exception {
    ClusterConfig.checkTlsStores(settings.cluster().tls());
    if (settings.database().migrateOnStart()) {
      Migrations.apply(settings.database());
    }
    try (Connection connection = Broker.connect(settings.rabbit(), "casino-processor-setup")) {
      Broker.declareQueues(connection.createChannel(), settings.rabbit());
    }
  }
}
