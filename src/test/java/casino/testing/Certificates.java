package casino.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority and the node stores it signs, made with the JDK's keytool the way the
 * README tells operators to (PKCS12, EC P-256, node certificates for both TLS sides).
 */
public final class Certificates {
  private final Path dir;
  private final String name;
  private final String password;

  private Certificates(Path dir, String name, String password) {
    this.dir = dir;
    this.name = name;
    this.password = password;
  }

  /** A new CA key pair in {@code dir/name-ca.p12}, and its certificate in {@code name-ca.pem}. */
  public static Certificates authority(Path dir, String name, String password) throws Exception {
    Certificates ca = new Certificates(dir, name, password);
    ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name + " CA",
        "-ext", "bc:c", "-validity", "30", "-keystore", ca.caStore(), "-storetype", "PKCS12", "-storepass", password);
    ca.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.caStore(), "-storepass", password,
        "-file", ca.caCertificate());
    return ca;
  }

  /** A trust store holding this CA's certificate only. */
  public Path trustStore() throws Exception {
    String store = dir.resolve(name + "-truststore.p12").toString();
    keytool("-importcert", "-noprompt", "-alias", name + "-ca", "-file", caCertificate(), "-keystore", store,
        "-storetype", "PKCS12", "-storepass", password);
    return Path.of(store);
  }

  /** A node's key store: its key pair, and its certificate signed by this CA with the chain. */
  public Path nodeKeyStore(String node) throws Exception {
    String store = dir.resolve(name + "-" + node + ".p12").toString();
    String request = dir.resolve(name + "-" + node + ".csr").toString();
    String signed = dir.resolve(name + "-" + node + ".pem").toString();
    keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + node,
        "-validity", "30", "-keystore", store, "-storetype", "PKCS12", "-storepass", password);
    keytool("-certreq", "-alias", "node", "-keystore", store, "-storepass", password, "-file", request);
    keytool("-gencert", "-alias", "ca", "-keystore", caStore(), "-storepass", password, "-infile", request,
        "-outfile", signed, "-rfc", "-validity", "30", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-ext", "EKU=serverAuth,clientAuth");
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCertificate(), "-keystore", store, "-storepass", password);
    keytool("-importcert", "-alias", "node", "-file", signed, "-keystore", store, "-storepass", password);
    return Path.of(store);
  }

  /** The environment that turns TLS on with these stores. */
  public static Map<String, String> environment(Path keyStore, Path trustStore, String password) {
    return Map.of("CLUSTER_TLS", "on", "CLUSTER_TLS_KEYSTORE", keyStore.toString(),
        "CLUSTER_TLS_KEYSTORE_PASSWORD", password, "CLUSTER_TLS_TRUSTSTORE", trustStore.toString(),
        "CLUSTER_TLS_TRUSTSTORE_PASSWORD", password);
  }

  private String caStore() {
    return dir.resolve(name + "-ca.p12").toString();
  }

  private String caCertificate() {
    return dir.resolve(name + "-ca.pem").toString();
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("keytool did not finish: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new AssertionError("keytool " + args[0] + " failed: " + output);
    }
  }
}
