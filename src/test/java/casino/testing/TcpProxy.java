package casino.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of a real service, so that a test can take the service away from a
 * client (connections cut, new ones refused) and give it back, without touching the service.
 */
public final class TcpProxy implements AutoCloseable {
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final String jdbcPath;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  private TcpProxy(String targetHost, int targetPort, String jdbcPath) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.jdbcPath = jdbcPath;
    this.port = ProcessorProcess.freePort();
    up();
  }

  /** In front of the PostgreSQL server of a {@code jdbc:postgresql://host:port/db} URL. */
  public static TcpProxy inFrontOf(String jdbcUrl) throws IOException {
    URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
    return new TcpProxy(target.getHost(), target.getPort(), target.getPath());
  }

  /** The same database, reached through this proxy. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + jdbcPath;
  }

  /** Accepts and forwards connections (again). */
  public synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    listening.setReuseAddress(true);
    server = listening;
    Thread acceptor = new Thread(() -> accept(listening), "tcp-proxy-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Cuts every forwarded connection and refuses new ones until {@link #up()}. */
  public synchronized void down() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (Socket s : open) {
      s.close();
    }
    open.clear();
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket target = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(target);
        pipe(client, target);
        pipe(target, client);
      } catch (IOException e) {
        // closed by down(), or the target refused: the client sees its connection end
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
