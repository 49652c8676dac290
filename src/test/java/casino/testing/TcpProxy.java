package casino.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A TCP forwarder in front of a real service, so that a test can take the service away from a
 * client (connections cut, new ones refused) and give it back, or make it go silent (nothing
 * forwarded, nothing closed), without touching the service. It listens on the loopback address,
 * or on another address of this machine ({@link #on}): the gateway of a {@link TestNetwork}, for
 * processors in network namespaces to which the services' loopback is out of reach.
 */
public final class TcpProxy implements AutoCloseable {
  private final InetAddress bindAddress;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final String jdbcPath;
  private final List<Link> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  /** New connections are accepted and left silent. */
  private volatile boolean silent;

  private TcpProxy(InetAddress bindAddress, String targetHost, int targetPort, String jdbcPath) throws IOException {
    this.bindAddress = bindAddress;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.jdbcPath = jdbcPath;
    this.port = ProcessorProcess.freePort();
    up();
  }

  /** In front of the PostgreSQL server of a {@code jdbc:postgresql://host:port/db} URL. */
  public static TcpProxy inFrontOf(String jdbcUrl) throws IOException {
    URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
    return new TcpProxy(InetAddress.getLoopbackAddress(), target.getHost(), target.getPort(), target.getPath());
  }

  /** In front of any TCP service. */
  public static TcpProxy inFrontOf(String host, int port) throws IOException {
    return new TcpProxy(InetAddress.getLoopbackAddress(), host, port, "");
  }

  /** In front of any TCP service, listening on {@code bindAddress} (an address of this machine). */
  public static TcpProxy on(InetAddress bindAddress, String host, int port) throws IOException {
    return new TcpProxy(bindAddress, host, port, "");
  }

  /** The same database, reached through this proxy. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host() + ":" + port + jdbcPath;
  }

  /** The address it listens on. */
  public String host() {
    return bindAddress.getHostAddress();
  }

  public int port() {
    return port;
  }

  /**
   * The local ports of the connections to the service forwarded for clients at {@code client}:
   * the clients' ports as the service sees them.
   */
  public Set<Integer> servicePortsFor(InetAddress client) {
    return open.stream().filter(link -> link.target != null && link.client.getInetAddress().equals(client))
        .map(link -> link.target.getLocalPort()).collect(Collectors.toSet());
  }

  /** Accepts and forwards connections (again). */
  public synchronized void up() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket listening = new ServerSocket(port, 50, bindAddress);
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
    for (Link link : open) {
      link.close();
    }
    open.clear();
  }

  /**
   * The service goes silent, as behind a dead network path: every open connection stops
   * forwarding bytes both ways and stays open; new connections are accepted and stay silent too.
   */
  public void freeze() {
    silent = true;
    open.forEach(Link::freeze);
  }

  /**
   * New connections are forwarded again; the frozen ones stay silent for good, as after a
   * failover that does not reset the connections to the old server.
   */
  public void failOver() {
    silent = false;
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        if (silent) {
          Link link = new Link(client, null, open);
          link.freeze();
          open.add(link);
          continue;
        }
        Link link = new Link(client, new Socket(targetHost, targetPort), open);
        open.add(link);
        link.pipe(link.client, link.target);
        link.pipe(link.target, link.client);
      } catch (IOException e) {
        // closed by down(), or the target refused: the client sees its connection end
      }
    }
  }

  /** One forwarded connection; {@code target} is null for one accepted while silent. */
  private static final class Link {
    private final Socket client;
    private final Socket target;
    /** The proxy's open links; a closed link leaves it. */
    private final List<Link> open;
    private boolean frozen;
    private boolean closed;

    Link(Socket client, Socket target, List<Link> open) {
      this.client = client;
      this.target = target;
      this.open = open;
    }

    synchronized void freeze() {
      frozen = true;
    }

    /** False once the link is closed. */
    private synchronized boolean awaitForwarding() {
      while (frozen && !closed) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }

    void close() {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
      open.remove(this);
      closeQuietly(client);
      if (target != null) {
        closeQuietly(target);
      }
    }

    void pipe(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          // Bytes read while frozen are held back, and reading stops: nothing gets through.
          for (int n; (n = in.read(buffer)) >= 0 && awaitForwarding(); ) {
            out.write(buffer, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // one side closed
        } finally {
          if (awaitForwarding()) {
            close();
          }
        }
      }, "tcp-proxy-pipe");
      t.setDaemon(true);
      t.start();
    }
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
