package casino.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/** Pekko Persistence's in-memory journal and snapshot store, for tests of one JVM with no database. */
public final class InMemoryPersistence {
  private InMemoryPersistence() {}

  /** The test kit's journal and snapshot plugins, snapshots serialized as in production. */
  public static Config config() {
    return PersistenceTestKitPlugin.config()
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = off\n"
            + "pekko.actor.serialization-bindings { \"casino.cluster.CborSerializable\" = jackson-cbor }"));
  }
}
