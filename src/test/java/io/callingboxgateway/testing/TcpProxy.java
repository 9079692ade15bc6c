package io.callingboxgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP relay in front of the test database, so a test can cut the database off and bring it back
 * the way a network failure or a database restart would: {@link #cut()} severs every open connection
 * and refuses new ones (accepts and closes them at once), {@link #blackhole()} keeps every connection
 * open but relays nothing more (what a pulled cable, a dropped route or a frozen database host does:
 * no reset, just silence), and {@link #restore()} relays again, bytes held back by a blackhole included.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = new HashSet<>();
    private boolean cut;
    private boolean blackholed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("tcp-proxy-accept", this::acceptLoop);
    }

    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    public int port() {
        return server.getLocalPort();
    }

    public synchronized void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
        // relays held by a blackhole find their sockets closed and end
        blackholed = false;
        notifyAll();
    }

    public synchronized void blackhole() {
        blackholed = true;
    }

    public synchronized void restore() {
        cut = false;
        blackholed = false;
        notifyAll();
    }

    public synchronized boolean isCut() {
        return cut;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                relay(server.accept());
            } catch (IOException e) {
                // the server socket was closed, or one accept failed: the loop condition decides
            }
        }
    }

    private void relay(Socket client) {
        Socket upstream = new Socket();
        synchronized (this) {
            if (cut) {
                closeQuietly(client);
                return;
            }
            open.add(client);
            open.add(upstream);
        }
        daemon("tcp-proxy-connect", () -> {
            try {
                // Without this, Nagle's algorithm holds each small relayed write for the peer's
                // delayed ACK: tens of milliseconds on every database round trip.
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
                daemon("tcp-proxy-up", () -> pump(client, upstream));
                pump(upstream, client);
            } catch (IOException e) {
                forget(client, upstream);
            }
        });
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                awaitPassage();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            forget(from, to);
        }
    }

    /** Holds a relayed write while the proxy is a blackhole, as the network would hold unacknowledged data. */
    private synchronized void awaitPassage() throws IOException {
        while (blackholed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted in a blackhole", e);
            }
        }
    }

    private synchronized void forget(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is best effort
        }
    }
}
