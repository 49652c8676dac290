package casino.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Broker-side operations a client cannot do on itself, through the broker's own CLI. */
public final class Rabbitmqctl {
  private Rabbitmqctl() {}

  /** Closes, from the broker's side, every connection whose client-given name is {@code name}. */
  public static int closeConnectionsNamed(String name) throws IOException, InterruptedException {
    String listing = run("rabbitmqctl", "-q", "list_connections", "pid", "client_properties");
    int closed = 0;
    for (String line : listing.split("\n")) {
      String[] columns = line.trim().split("\t", 2);
      if (columns.length == 2 && columns[1].contains("\"" + name + "\"")) {
        run("rabbitmqctl", "-q", "close_connection", columns[0], "closed by test");
        closed++;
      }
    }
    return closed;
  }

  /**
   * Makes the broker close, with a channel error, every channel of the connections whose
   * client-given name is {@code name}, and leaves the connections open: as the broker does on a
   * protocol error or a consumer timeout. Each channel is handed an ack, as if from its client,
   * of a delivery tag it never sent (PRECONDITION_FAILED). Returns how many channels it hit.
   */
  public static int failChannelsOfConnectionNamed(String name) throws IOException, InterruptedException {
    String expression = String.join("\n",
        "Name = <<\"" + name + "\">>,",
        "Conns = [P || P <- rabbit_networking:connections(),",
        "  lists:member({<<\"connection_name\">>, longstr, Name},",
        "    proplists:get_value(client_properties, rabbit_networking:connection_info(P, [client_properties]), []))],",
        "Chs = [Ch || Ch <- rabbit_channel:list(),",
        "  lists:member(proplists:get_value(connection, rabbit_channel:info(Ch, [connection])), Conns)],",
        "[rabbit_channel:do(Ch, {'basic.ack', 999999999, false}) || Ch <- Chs],",
        "length(Chs).");
    return Integer.parseInt(run("rabbitmqctl", "-q", "eval", expression).trim());
  }

  /** The client-side ports of every connection the broker holds open. */
  public static Set<Integer> connectionPeerPorts() throws IOException, InterruptedException {
    Set<Integer> ports = new HashSet<>();
    for (String line : run("rabbitmqctl", "-q", "list_connections", "peer_port").split("\n")) {
      if (line.trim().matches("\\d+")) {
        ports.add(Integer.parseInt(line.trim()));
      }
    }
    return ports;
  }

  /** Messages of the queue delivered and not yet acknowledged, as the broker counts them. */
  public static long unacknowledged(String queue) throws IOException, InterruptedException {
    String listing = run("rabbitmqctl", "-q", "list_queues", "name", "messages_unacknowledged");
    for (String line : listing.split("\n")) {
      String[] columns = line.trim().split("\t");
      if (columns.length == 2 && columns[0].equals(queue)) {
        return Long.parseLong(columns[1]);
      }
    }
    throw new IOException("queue " + queue + " not listed by rabbitmqctl");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }
}
