package dev.booster.cni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The CNI server inside a long-running process (the node agent): the {@code booster-cni} plugin binary forwards each
 * invocation here over a Unix socket ({@link CniWire}), so no dataplane, JVM or Jackson starts per call. One request
 * per connection, each on its own virtual thread; the socket file is made 0600 (the runtime calls plugins as root).
 *
 * <pre>{@code
 * try (CniServer server = CniServer.start(Path.of("/run/booster/cni.sock"), BoosterCni.builder(dp).build()::handle)) { ... }
 * }</pre>
 */
public final class CniServer implements AutoCloseable {
    /** Where the plugin looks when {@code BOOSTER_CNI_SOCKET} is not set. */
    public static final Path DEFAULT_SOCKET = Path.of(CniWire.DEFAULT_SOCKET);
    private static final System.Logger LOG = System.getLogger(CniServer.class.getName());
    /** A client that sends nothing for this long is cut off, so a stuck plugin cannot pin a thread. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** What serves a request: {@link BoosterCni#handle(Map, byte[])} in the agent. */
    @FunctionalInterface
    public interface Handler {
        CniResponse handle(Map<String, String> environment, byte[] stdin);
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Thread acceptor;
    /** Cuts off slow clients; one daemon thread for all servers, so a request that outlives its server still has it. */
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("cni-server-watchdog").unstarted(r));
    private volatile boolean closed;

    private CniServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("cni-server " + socket).start(this::acceptLoop);
    }

    /**
     * Listens on {@code socket}. A socket file left by a dead server is replaced; one that a live server answers on
     * is an error (two agents on one node).
     */
    public static CniServer start(Path socket, Handler handler) {
        try {
            Files.createDirectories(socket.toAbsolutePath().getParent());
            if (Files.exists(socket)) {
                if (answers(socket)) throw new IllegalStateException(socket + " is served by another process; stop it or choose another socket");
                Files.delete(socket);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket), 256);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new CniServer(socket, server, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    public Path socket() {
        return socket;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "accept on " + socket + " failed: " + e.getMessage());
                continue;
            }
            Thread.ofVirtual().name("cni-request").start(() -> serve(client));
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> cutOff = WATCHDOG.schedule(() -> closeQuietly(client), READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try (client) {
            byte[] request = readAll(client);
            cutOff.cancel(false);
            if (request.length == 0) return; // a liveness probe (see start), not a request
            CniResponse response;
            try {
                CniWire.Request decoded = CniWire.decodeRequest(request);
                response = handler.handle(decoded.environment(), decoded.stdin());
            } catch (IOException e) {
                response = new CniError(null, CniError.IO_FAILURE, "booster-cni server: " + e.getMessage(), "the plugin binary and the agent do not match; reinstall the plugin");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "CNI handler failed", e);
                response = new CniError(null, CniError.DATAPLANE_FAILURE, "booster-cni server failed: " + e, "see the agent's log");
            }
            ByteBuffer reply = ByteBuffer.wrap(CniWire.encodeReply(response.exitCode(), response.stdout()));
            while (reply.hasRemaining()) client.write(reply);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "CNI request on " + socket + " failed: " + e.getMessage());
        } finally {
            cutOff.cancel(false);
        }
    }

    private static byte[] readAll(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (client.read(buffer) >= 0) {
            if (!buffer.hasRemaining()) {
                if (buffer.capacity() >= CniWire.MAX_REQUEST) throw new IOException("request larger than " + CniWire.MAX_REQUEST + " bytes");
                buffer = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
            }
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a connection that timed out; nothing to report
        }
    }

    /** Stops accepting, removes the socket file; requests in progress finish. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
            acceptor.join(Duration.ofSeconds(5));
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + socket + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
