package dev.booster.memif;

import dev.booster.api.pod.Memif.Role;
import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.memif.ffi.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A memif interface, master or slave, speaking the libmemif protocol 2.0 with any peer on the same host: another
 * Booster, VPP, DPDK's {@code net_memif}, libmemif applications.
 *
 * <p>A control thread owns the socket: a master listens and serves one slave at a time (later slaves are told
 * "Already connected"); a slave connects and, whenever the connection fails or ends, tries again every
 * {@link MemifConfig#reconnectInterval()}. A peer that breaks the protocol is disconnected with the reason in
 * DISCONNECT and the log ({@link #lastDisconnectReason()}); everything mapped for it is unmapped and closed.
 *
 * <p>The packet calls ({@link #rxBurst}, {@link #release}, {@link #txAcquire}, {@link #txBurst}, {@link #send},
 * {@link #receive}) never block and return 0 or empty while no peer is connected. Each queue is single-producer,
 * single-consumer: one thread receives on a queue and one thread transmits on it at a time; different queues may
 * be served by different threads.
 *
 * <pre>{@code
 * try (MemifInterface memif = MemifInterface.open(MemifConfig.master("/run/app/memif.sock").withQueues(2))) {
 *     memif.awaitConnected(Duration.ofSeconds(10));
 *     MemifBuffers rx = new MemifBuffers(64);
 *     int n = memif.rxBurst(0, rx, 64);
 *     for (int i = 0; i < n; i++) handle(rx.region(i), rx.offset(i), rx.length(i));
 *     memif.release(rx);
 * }
 * }</pre>
 */
public final class MemifInterface implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemifInterface.class.getName());
    /** How often an established connection is checked for a failure the packet threads reported. */
    private static final int FAILURE_CHECK_MILLIS = 100;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final MemifConfig config;
    private final int wakeFd;
    private final int listenFd;
    private final boolean removeSocketFile;
    private final StateListener listener;
    private final Thread controlThread;
    private final Object stateLock = new Object();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private volatile boolean closing;
    private volatile Connection connection;
    private volatile String lastDisconnectReason;
    private volatile long connectionCount;

    private MemifInterface(MemifConfig config, int wakeFd, int listenFd, boolean removeSocketFile, StateListener listener) {
        this.config = config;
        this.listener = listener;
        this.wakeFd = wakeFd;
        this.listenFd = listenFd;
        this.removeSocketFile = removeSocketFile;
        String role = config.role() == Role.MASTER ? "master" : "slave";
        this.controlThread = Thread.ofPlatform().daemon().name("memif-" + role + "-" + config.socketPath())
                .unstarted(new ControlLoop());
    }

    /**
     * Opens the interface. A master binds and listens on the socket now (failures are thrown here: a missing
     * directory, a path another process is listening on); a slave starts connecting in the background.
     */
    public static MemifInterface open(MemifConfig config) {
        return open(config, StateListener.NONE);
    }

    /**
     * Opens the interface as {@link #open(MemifConfig)} does, telling {@code listener} whenever a peer connects and
     * whenever that connection ends. The control thread, which is created here, inherits the calling thread's network
     * namespace: a slave connects to abstract socket names of that namespace.
     */
    public static MemifInterface open(MemifConfig config, StateListener listener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        int wakeFd = Libc.eventfd(Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC, "memif control wakeup");
        int listenFd = -1;
        boolean removeSocketFile = false;
        try {
            if (config.role() == Role.MASTER) {
                removeSocketFile = !config.socketPath().startsWith("@");
                if (removeSocketFile) clearStaleSocket(config.socketPath());
                listenFd = listen(config.socketPath());
            }
            MemifInterface memif = new MemifInterface(config, wakeFd, listenFd, removeSocketFile, listener);
            memif.controlThread.start();
            return memif;
        } catch (RuntimeException e) {
            if (listenFd >= 0) Connection.closeQuietly(listenFd);
            Connection.closeQuietly(wakeFd);
            throw e;
        }
    }

    public MemifConfig config() {
        return config;
    }

    /**
     * Hears of connections coming and going. Called on the interface's control thread, in order, after the connection
     * is usable ({@link #connected}) or after it was withdrawn from the packet calls ({@link #disconnected}); it must
     * return quickly and must not close the interface. What it throws is logged and otherwise ignored.
     */
    public interface StateListener {
        /** Listens to nothing. */
        StateListener NONE = new StateListener() {
            @Override
            public void connected(String peerName) {
            }

            @Override
            public void disconnected(String reason) {
            }
        };

        /** A peer completed the handshake; the rings are usable. */
        void connected(String peerName);

        /** The connection that {@link #connected} announced ended, for {@code reason} (as {@link #lastDisconnectReason()}). */
        void disconnected(String reason);
    }

    private void tell(Consumer<StateListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "memif " + config.socketPath() + ": state listener failed", e);
        }
    }

    /** Whether a peer is connected and the rings are usable. */
    public boolean isConnected() {
        Connection c = connection;
        return c != null && !c.unusable();
    }

    /** Waits up to {@code timeout} for a peer to connect; true when one is connected. */
    public boolean awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (!isConnected() && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    stateLock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return isConnected();
                }
            }
            return isConnected();
        }
    }

    /** Receive queues usable now: the lesser of both sides' queue counts, 0 while disconnected. */
    public int rxQueueCount() {
        Connection c = connection;
        return c == null ? 0 : c.rxQueues();
    }

    /** Transmit queues usable now, 0 while disconnected. */
    public int txQueueCount() {
        Connection c = connection;
        return c == null ? 0 : c.txQueues();
    }

    /** The connected peer's interface name (what it sent in CONNECT or CONNECTED). */
    public Optional<String> peerName() {
        Connection c = connection;
        return c == null ? Optional.empty() : Optional.of(c.peerName());
    }

    /** Why the last connection or connection attempt ended, as logged (empty before any ended). */
    public Optional<String> lastDisconnectReason() {
        return Optional.ofNullable(lastDisconnectReason);
    }

    /** How many times a peer has connected since {@link #open}. */
    public long connectionCount() {
        return connectionCount;
    }

    /**
     * Takes up to {@code max} received buffers of {@code queue} into {@code out} without copying. They stay valid,
     * and the peer cannot reuse them, until {@link #release}d; bursts are released in the order they were taken.
     * Returns how many ({@code out.size()}); 0 when nothing arrived or no peer is connected.
     */
    public int rxBurst(int queue, MemifBuffers out, int max) {
        checkQueue(queue);
        checkMax(max);
        Connection c = connection;
        RxQueue rx = c == null || c.unusable() ? null : c.rx(queue);
        if (rx == null) {
            out.clear();
            return 0;
        }
        requireNothingUnreleased(out, c);
        try {
            return rx.burst(out, max);
        } catch (IllegalStateException e) {
            return afterTeardown(c, e, out);
        }
    }

    /** Hands the buffers of an {@link #rxBurst} back to the peer. Buffers of a connection that has ended are just dropped. */
    public void release(MemifBuffers burst) {
        Connection c = burst.connection;
        if (c == null) return;
        if (!burst.receive) throw new IllegalArgumentException("these buffers were acquired for transmission; send them with txBurst");
        if (c != connection || c.isClosed()) {
            burst.clear();
            return;
        }
        try {
            c.rx(burst.queue).release(burst);
        } catch (IllegalStateException e) {
            afterTeardown(c, e, burst);
        }
    }

    /**
     * Reserves up to {@code max} free transmit buffers of {@code queue} into {@code out} to write frames into (see
     * {@link MemifBuffers#buffer}, {@link MemifBuffers#setLength}); nothing is sent until {@link #txBurst}.
     */
    public int txAcquire(int queue, MemifBuffers out, int max) {
        checkQueue(queue);
        checkMax(max);
        Connection c = connection;
        TxQueue tx = c == null || c.unusable() ? null : c.tx(queue);
        if (tx == null) {
            out.clear();
            return 0;
        }
        requireNothingUnreleased(out, c);
        try {
            return tx.acquire(out, max);
        } catch (IllegalStateException e) {
            return afterTeardown(c, e, out);
        }
    }

    /**
     * Sends the first {@code count} buffers that {@link #txAcquire} put into {@code buffers}, in order, with the
     * lengths (and chaining) set on them; signals the peer if it asked for interrupts. Returns how many were sent:
     * 0 if the connection ended since they were acquired.
     */
    public int txBurst(int queue, MemifBuffers buffers, int count) {
        checkQueue(queue);
        checkMax(count);
        Connection c = buffers.connection;
        if (c == null) return 0;
        if (buffers.receive) throw new IllegalArgumentException("these are received buffers; hand them back with release");
        if (buffers.queue != queue) throw new IllegalArgumentException("these buffers were acquired on queue " + buffers.queue + ", not " + queue);
        if (c != connection || c.unusable()) {
            buffers.clear();
            return 0;
        }
        try {
            return c.tx(queue).publish(buffers, count);
        } catch (IllegalStateException e) {
            return afterTeardown(c, e, buffers);
        }
    }

    /** Copies {@code frame} into the ring of {@code queue} (chained over several buffers if needed) and sends it; false when the ring is full or no peer is connected. */
    public boolean send(int queue, byte[] frame) {
        checkQueue(queue);
        Objects.requireNonNull(frame, "frame");
        Connection c = connection;
        TxQueue tx = c == null || c.unusable() ? null : c.tx(queue);
        if (tx == null) return false;
        try {
            return tx.send(frame);
        } catch (IllegalStateException e) {
            afterTeardown(c, e, null);
            return false;
        }
    }

    /** The next whole frame received on {@code queue}, copied (its buffers go straight back to the peer). */
    public Optional<byte[]> receive(int queue) {
        checkQueue(queue);
        Connection c = connection;
        RxQueue rx = c == null || c.unusable() ? null : c.rx(queue);
        if (rx == null) return Optional.empty();
        try {
            return Optional.ofNullable(rx.receiveFrame());
        } catch (IllegalStateException e) {
            afterTeardown(c, e, null);
            return Optional.empty();
        }
    }

    /**
     * Interrupt mode: waits up to {@code timeout} until {@code queue} has something to receive, sleeping on the
     * ring's eventfd (the peer is asked to signal it while this waits). True when something is there.
     */
    public boolean awaitRx(int queue, Duration timeout) {
        checkQueue(queue);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Connection c = connection;
            if (c == null || c.unusable()) {
                awaitConnected(Duration.ofNanos(left));
                continue;
            }
            RxQueue rx = c.rx(queue);
            if (rx == null) { // the peer set up fewer queues: nothing will ever arrive here on this connection
                LockSupport.parkNanos(left);
                return false;
            }
            try {
                if (rx.awaitFrames((int) Math.min(Integer.MAX_VALUE, Math.max(1, left / 1_000_000)))) return true;
            } catch (IllegalStateException e) {
                afterTeardown(c, e, null);
            }
        }
        return false;
    }

    /** Disconnects the peer (DISCONNECT "interface closed"), unmaps everything, closes the socket; idempotent. */
    @Override
    public void close() {
        if (!closeStarted.compareAndSet(false, true)) return;
        closing = true;
        Libc.write(wakeFd, WakeValue.ONE);
        try {
            controlThread.join(CLOSE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (controlThread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "memif " + config.socketPath() + ": the control thread did not stop within " + CLOSE_TIMEOUT);
            return;
        }
        Connection.closeQuietly(wakeFd);
        synchronized (stateLock) {
            stateLock.notifyAll();
        }
    }

    private void checkQueue(int queue) {
        if (queue < 0 || queue >= config.queues()) {
            throw new IndexOutOfBoundsException("queue " + queue + " is out of range 0.." + (config.queues() - 1));
        }
    }

    /** Refilling a batch that still holds received buffers would lose them, and the ring would stall. */
    private static void requireNothingUnreleased(MemifBuffers out, Connection c) {
        if (out.receive && out.connection == c && out.size() > 0) {
            throw new IllegalStateException("this batch still holds " + out.size() + " received buffers of queue " + out.queue
                    + "; release them before reusing it");
        }
    }

    private static void checkMax(int max) {
        if (max < 0) throw new IllegalArgumentException("count " + max + " is negative");
    }

    /** A closed arena means the connection went away under a packet call: that is "nothing done", not an error. */
    private static int afterTeardown(Connection c, IllegalStateException e, MemifBuffers buffers) {
        if (!c.isClosed()) throw e;
        if (buffers != null) buffers.clear();
        return 0;
    }

    private static int listen(String path) {
        int fd = Libc.socket(Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, "memif listener");
        try {
            Libc.bind(fd, path);
            Libc.listen(fd, 8, path);
            return fd;
        } catch (NativeCallException e) {
            Connection.closeQuietly(fd);
            String hint = switch (e.errno()) {
                case Errno.ENOENT -> ": the directory does not exist; create it first";
                case Errno.EADDRINUSE -> ": another socket holds this name";
                case Errno.EACCES, Errno.EPERM -> ": no permission to create the socket there";
                default -> "";
            };
            throw new MemifException("memif master cannot listen on " + path + ": " + e.getMessage() + hint, e);
        }
    }

    /** A socket file left by a process that died is removed; one that a live process listens on is an error. */
    private static void clearStaleSocket(String path) {
        Path file = Path.of(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new MemifException("memif master cannot listen on " + path + ": it exists and is not a socket");
        }
        int probe = Libc.socket(Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, "memif socket probe");
        try {
            Libc.connect(probe, path);
            throw new MemifException("memif master cannot listen on " + path + ": another process is listening on it");
        } catch (NativeCallException e) {
            if (e.errno() != Errno.ECONNREFUSED) {
                throw new MemifException("memif master cannot listen on " + path + ": probing the existing socket failed: " + e.getMessage(), e);
            }
        } finally {
            Connection.closeQuietly(probe);
        }
        try {
            Files.deleteIfExists(file);
            LOG.log(System.Logger.Level.INFO, "memif: removed stale socket " + path);
        } catch (IOException e) {
            throw new MemifException("memif master cannot remove the stale socket " + path + ": " + e.getMessage(), e);
        }
    }

    private void publish(Connection c) {
        connection = c;
        synchronized (stateLock) {
            stateLock.notifyAll();
        }
    }

    /** The 8-byte counter value written to the wakeup eventfd; never freed. */
    private static final class WakeValue {
        static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);
    }

    /** One peer's control connection: handshake state, then the established connection. */
    private static final class Session {
        final ControlChannel channel;
        final Handshake handshake;
        final long deadline;
        Connection connection;

        Session(ControlChannel channel, Handshake handshake, long deadline) {
            this.channel = channel;
            this.handshake = handshake;
            this.deadline = deadline;
        }
    }

    /** The control thread: accepts or connects, runs handshakes, watches established connections, cleans up. */
    private final class ControlLoop implements Runnable {
        private final MemorySegment pollFds = Arena.ofAuto().allocate(Libc.POLLFD, 3);
        private final MemorySegment drain = Arena.ofAuto().allocate(JAVA_LONG);
        private Session session;
        private String lastConnectError;

        @Override
        public void run() {
            try {
                while (!closing) {
                    try {
                        if (config.role() == Role.MASTER) {
                            runMaster();
                        } else {
                            runSlave();
                        }
                    } catch (RuntimeException e) {
                        // A bug or an unexpected libc failure: drop the peer, pause, and keep the interface alive.
                        LOG.log(System.Logger.Level.ERROR, "memif " + config.socketPath() + ": control thread error", e);
                        endSession("internal error: " + e.getMessage(), true);
                        poll(millis(config.reconnectInterval()), wakeFd, -1, -1);
                    }
                }
            } catch (Error e) {
                LOG.log(System.Logger.Level.ERROR, "memif " + config.socketPath() + ": control thread failed", e);
                throw e;
            } finally {
                endSession("interface closed", true);
                if (listenFd >= 0) Connection.closeQuietly(listenFd);
                if (removeSocketFile) {
                    try {
                        Files.deleteIfExists(Path.of(config.socketPath()));
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "memif: could not remove " + config.socketPath() + ": " + e.getMessage());
                    }
                }
            }
        }

        private void runMaster() {
            while (!closing) {
                int channelFd = session == null ? -1 : session.channel.fd();
                int ready = poll(timeoutMillis(), wakeFd, listenFd, channelFd);
                if (closing) return;
                // The current peer first: if it is leaving, a newcomer in the same wake-up is served, not refused.
                if (session != null && (readable(2) || ready > 0 && hungUp(2))) serviceChannel();
                if (ready > 0 && readable(1)) acceptPeer();
                checkSession();
            }
        }

        private void runSlave() {
            while (!closing) {
                if (session == null && !connectToMaster()) {
                    poll(millis(config.reconnectInterval()), wakeFd, -1, -1);
                    continue;
                }
                poll(timeoutMillis(), wakeFd, session.channel.fd(), -1);
                if (closing) return;
                if (readable(1) || hungUp(1)) serviceChannel();
                checkSession();
                if (session == null && !closing) poll(millis(config.reconnectInterval()), wakeFd, -1, -1);
            }
        }

        private boolean connectToMaster() {
            int fd = Libc.socket(Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, "memif slave");
            try {
                Libc.connect(fd, config.socketPath());
            } catch (NativeCallException e) {
                Connection.closeQuietly(fd);
                if (!e.getMessage().equals(lastConnectError)) {
                    LOG.log(System.Logger.Level.INFO, "memif slave: no master yet (" + e.getMessage() + "); retrying every "
                            + config.reconnectInterval().toMillis() + " ms");
                    lastConnectError = e.getMessage();
                }
                return false;
            }
            lastConnectError = null;
            startSession(fd, new SlaveHandshake(config));
            return true;
        }

        private void acceptPeer() {
            int fd = Libc.accept(listenFd, config.socketPath());
            if (fd < 0) return;
            if (session != null) {
                ControlChannel extra = new ControlChannel(fd, "refused slave");
                try {
                    extra.send(Handshake.Outgoing.of(new MemifMessage.Disconnect(0, "Already connected")));
                } catch (RuntimeException e) {
                    // the refused slave went away first: nothing more to tell it
                }
                extra.close();
                LOG.log(System.Logger.Level.WARNING, "memif master " + config.socketPath() + ": refused a second slave: Already connected");
                return;
            }
            startSession(fd, new MasterHandshake(config));
        }

        private void startSession(int fd, Handshake handshake) {
            ControlChannel channel = new ControlChannel(fd, config.socketPath());
            session = new Session(channel, handshake, System.nanoTime() + config.handshakeTimeout().toNanos());
            try {
                for (Handshake.Outgoing outgoing : handshake.opening()) channel.send(outgoing);
            } catch (RuntimeException e) {
                endSession("control socket failed: " + e.getMessage(), false);
            }
        }

        /** Handles every message waiting on the control socket. */
        private void serviceChannel() {
            Session s = session;
            try {
                while (session == s) {
                    ControlChannel.Incoming incoming = s.channel.receive();
                    if (incoming == null) return;
                    if (incoming.peerClosed()) {
                        endSession(s.connection == null ? "peer closed the control socket during the handshake" : "peer closed the control socket", false);
                        return;
                    }
                    try (ReceivedFds fds = incoming.fds()) {
                        handle(s, incoming.message(), fds);
                    }
                }
            } catch (MemifProtocolException e) {
                endSession(e.getMessage(), true);
            } catch (NativeCallException | MemifException e) {
                endSession("control socket failed: " + e.getMessage(), false);
            }
        }

        private void handle(Session s, MemifMessage message, ReceivedFds fds) {
            if (message instanceof MemifMessage.Disconnect disconnect) {
                endSession("peer disconnected: " + (disconnect.reason().isEmpty() ? "(no reason given)" : disconnect.reason()), false);
                return;
            }
            if (s.connection != null) {
                if (message instanceof MemifMessage.Ack) return;
                throw new MemifProtocolException("unexpected " + message.typeName() + " while connected");
            }
            Handshake.Step step = s.handshake.onMessage(message, fds);
            // The master starts its rings before CONNECTED goes out: the slave refills them as soon as it reads it.
            if (step.established()) establish(s);
            for (Handshake.Outgoing outgoing : step.replies()) s.channel.send(outgoing);
        }

        private void establish(Session s) {
            ConnectionParts parts = s.handshake.parts();
            Connection c = new Connection(config.role(), s.handshake.peerName(), parts, config.bufferSize());
            parts.handOver();
            c.start();
            s.connection = c;
            connectionCount++;
            publish(c);
            tell(l -> l.connected(c.peerName()));
            LOG.log(System.Logger.Level.INFO, "memif " + roleName() + " " + config.socketPath() + ": connected to " + c.peerName()
                    + " (" + c.rxQueues() + " RX / " + c.txQueues() + " TX queues)");
        }

        /** Ends a handshake that took too long, or a connection whose rings the peer misused. */
        private void checkSession() {
            Session s = session;
            if (s == null) return;
            if (s.connection == null && System.nanoTime() - s.deadline > 0) {
                endSession("handshake timed out after " + config.handshakeTimeout().toMillis() + " ms", true);
            } else if (s.connection != null && s.connection.failure() != null) {
                endSession(s.connection.failure(), true);
            }
        }

        private void endSession(String reason, boolean tellPeer) {
            Session s = session;
            if (s == null) return;
            session = null;
            // Before the connection is withdrawn: whoever sees isConnected() turn false can read why.
            lastDisconnectReason = reason;
            if (s.connection != null) publish(null);
            if (tellPeer) {
                try {
                    s.channel.send(Handshake.Outgoing.of(new MemifMessage.Disconnect(0, reason)));
                } catch (RuntimeException e) {
                    // the peer is gone already; the reason is still logged below
                }
            }
            s.channel.close();
            if (s.connection != null) s.connection.close();
            s.handshake.close();
            System.Logger.Level level = reason.equals("interface closed") || reason.startsWith("peer ") ? System.Logger.Level.INFO : System.Logger.Level.WARNING;
            if (s.connection != null || !reason.equals("interface closed")) {
                LOG.log(level, "memif " + roleName() + " " + config.socketPath() + ": disconnected: " + reason);
            }
            if (s.connection != null) tell(l -> l.disconnected(reason));
        }

        private int timeoutMillis() {
            if (session == null) return -1;
            if (session.connection != null) return FAILURE_CHECK_MILLIS;
            long left = (session.deadline - System.nanoTime()) / 1_000_000;
            return (int) Math.max(1, Math.min(left + 1, Integer.MAX_VALUE));
        }

        /** Polls up to three descriptors (-1 for an unused slot); drains the wakeup eventfd. */
        private int poll(int timeoutMillis, int fd0, int fd1, int fd2) {
            int[] fds = {fd0, fd1, fd2};
            for (int i = 0; i < 3; i++) {
                long base = i * Libc.POLLFD.byteSize();
                pollFds.set(JAVA_INT, base, fds[i]);
                pollFds.set(JAVA_SHORT, base + Libc.POLLFD_EVENTS, Libc.POLLIN);
                pollFds.set(JAVA_SHORT, base + Libc.POLLFD_REVENTS, (short) 0);
            }
            int ready = Libc.poll(pollFds, 3, timeoutMillis);
            if (ready > 0 && readable(0)) Libc.read(wakeFd, drain);
            return ready;
        }

        private short revents(int i) {
            return pollFds.get(JAVA_SHORT, i * Libc.POLLFD.byteSize() + Libc.POLLFD_REVENTS);
        }

        private boolean readable(int i) {
            return (revents(i) & Libc.POLLIN) != 0;
        }

        private boolean hungUp(int i) {
            return (revents(i) & (Libc.POLLHUP | Libc.POLLERR)) != 0;
        }

        private String roleName() {
            return config.role() == Role.MASTER ? "master" : "slave";
        }

        private static int millis(Duration duration) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
        }
    }
}
