package dev.booster.ike;

import dev.booster.api.net.IpAddress;
import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.MalformedMessageException;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.protocol.IkeSa;
import dev.booster.ike.protocol.SaHost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * An IKEv2 endpoint on one UDP socket (normally port 500): it initiates and answers IKE SAs for the configured
 * peers, keeps them alive, rekeys and deletes them, and reports each Child SA to a {@link ChildSaListener}.
 *
 * <p>All protocol work runs on one thread: the socket, the timers and the calls below (which hand their work to
 * that thread and return futures). Whatever arrives — malformed, forged, for an unknown SA — is logged and dropped;
 * no exception leaves the receive loop. The pre-shared keys are never logged.
 */
public final class IkeDaemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final DatagramChannel channel;
    /** Port 4500: IKE behind a 4-byte zero non-ESP marker once NAT is detected (RFC 3948); null without NAT-T. */
    private final DatagramChannel natTChannel;
    private final Selector selector;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress natTAddress;
    private final IkeSettings settings;
    private final ChildSaListener childSaListener;
    private final IkeEventListener eventListener;
    private final Host host = new Host();
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong((Timer t) -> t.deadline).thenComparingLong(t -> t.sequence));
    private final Map<String, PeerConfig> peers = new LinkedHashMap<>();
    private final Map<Long, IkeSa> sas = new HashMap<>();
    private final Set<Integer> childSpis = new HashSet<>();
    private final Thread loop;
    private volatile boolean running = true;
    private volatile IkeStats stats = new IkeStats(0, 0, 0, 0, 0);
    private long timerSequence;
    private int nextReqid = 1;

    private IkeDaemon(DatagramChannel channel, DatagramChannel natTChannel, IkeSettings settings, ChildSaListener childSaListener,
                      IkeEventListener eventListener, List<PeerConfig> initialPeers) throws IOException {
        this.channel = channel;
        this.natTChannel = natTChannel;
        this.natTAddress = natTChannel == null ? null : (InetSocketAddress) natTChannel.getLocalAddress();
        this.settings = settings;
        this.childSaListener = childSaListener;
        this.eventListener = eventListener;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        if (localAddress == null) throw new IllegalArgumentException("the DatagramChannel must be bound");
        for (PeerConfig peer : initialPeers) putPeer(peer);
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        if (natTChannel != null) {
            natTChannel.configureBlocking(false);
            natTChannel.register(selector, SelectionKey.OP_READ);
        }
        this.loop = Thread.ofPlatform().daemon().name("ike-" + localAddress.getPort()).start(this::run);
        LOG.log(INFO, "IKE daemon listening on " + localAddress + (natTAddress == null ? "" : " and " + natTAddress + " (NAT-T)")
                + " for peers " + peers.keySet());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address and port the daemon receives on. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The NAT-T socket's address, if the daemon has one. */
    public Optional<InetSocketAddress> natTAddress() {
        return Optional.ofNullable(natTAddress);
    }

    /** Adds or replaces a peer; SAs already up keep the configuration they were made with. */
    public void addPeer(PeerConfig peer) {
        call(() -> {
            putPeer(peer);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Deletes the peer's SAs and forgets the peer; false when there was no such peer. */
    public boolean removePeer(String name) {
        return call(() -> {
            if (peers.remove(name) == null) return CompletableFuture.completedFuture(false);
            CompletableFuture<?>[] deletes = host.sasOfPeer(name).stream().map(sa -> sa.delete("the peer was removed")).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(deletes).thenApply(ignored -> true);
        });
    }

    /**
     * Sets up an IKE SA with its first Child SA to {@code peer} (IKE_SA_INIT + IKE_AUTH). Completes with the SA, or
     * exceptionally with an {@link IkeException} saying why not. When one is already up, completes with it.
     */
    public CompletableFuture<IkeSaInfo> initiate(String peer) {
        return submit(() -> {
            PeerConfig config = peers.get(peer);
            if (config == null) return failed(peer, IkeFailure.Reason.CLOSED, "no peer named " + peer + " is configured");
            Optional<IkeSa> current = current(peer);
            if (current.isPresent()) return CompletableFuture.completedFuture(current.get().info());
            Optional<IkeSa> connecting = host.sasOfPeer(peer).stream().filter(sa -> sa.isInitiator() && !sa.isEstablished()).findFirst();
            if (connecting.isPresent()) return connecting.get().setupResult();
            return IkeSa.initiate(host, config).setupResult();
        });
    }

    /** Rekeys the peer's (first) Child SA, make-before-break; completes when the old SA is deleted. */
    public CompletableFuture<Void> rekeyChildSa(String peer) {
        return rekeyChildSa(peer, 0);
    }

    /** Rekeys the Child SA with {@code reqid} (see {@link ChildSa#reqid()}), e.g. when its sequence numbers run out. */
    public CompletableFuture<Void> rekeyChildSa(String peer, int reqid) {
        return onCurrent(peer, sa -> sa.rekeyChild(reqid));
    }

    /** Rekeys the peer's IKE SA; completes with the new one. */
    public CompletableFuture<IkeSaInfo> rekeyIkeSa(String peer) {
        return onCurrent(peer, IkeSa::rekeyIke);
    }

    /** Sends an empty INFORMATIONAL (dead peer detection); completes with the round trip time. */
    public CompletableFuture<Duration> checkLiveness(String peer) {
        return onCurrent(peer, IkeSa::checkLiveness);
    }

    /** Deletes every IKE SA (and so every Child SA) with {@code peer}. */
    public CompletableFuture<Void> terminate(String peer) {
        return submit(() -> CompletableFuture.allOf(host.sasOfPeer(peer).stream().map(sa -> sa.delete("terminated locally"))
                .toArray(CompletableFuture[]::new)));
    }

    /** The established IKE SAs. */
    public List<IkeSaInfo> ikeSas() {
        return call(() -> CompletableFuture.completedFuture(sas.values().stream().filter(IkeSa::isEstablished).map(IkeSa::info).toList()));
    }

    /** Counters of what arrived and what was dropped. */
    public IkeStats stats() {
        return stats;
    }

    /** Sends a Delete for every SA (not waiting for answers), reports their Child SAs deleted, and stops. */
    @Override
    public void close() {
        if (!running) return;
        CompletableFuture<Void> done = submit(() -> {
            for (IkeSa sa : List.copyOf(sas.values())) sa.shutdown();
            running = false;
            return CompletableFuture.completedFuture(null);
        });
        try {
            done.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(WARNING, "IKE daemon shutdown: " + e);
        }
        running = false;
        selector.wakeup();
        try {
            loop.join(CALL_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- calls into the loop ----

    private <T> CompletableFuture<T> onCurrent(String peer, java.util.function.Function<IkeSa, CompletableFuture<T>> action) {
        return submit(() -> current(peer).map(action)
                .orElseGet(() -> failed(peer, IkeFailure.Reason.CLOSED, "no established IKE SA with " + peer + "; initiate one first")));
    }

    private static <T> CompletableFuture<T> failed(String peer, IkeFailure.Reason reason, String detail) {
        return CompletableFuture.failedFuture(new IkeException(new IkeFailure(peer, reason, detail)));
    }

    /** Runs {@code work} on the loop; the returned future follows the one {@code work} returns. */
    private <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("the IKE daemon is closed"));
            return result;
        }
        tasks.add(() -> work.get().whenComplete((value, error) -> {
            if (error != null) result.completeExceptionally(error);
            else result.complete(value);
        }));
        selector.wakeup();
        return result;
    }

    private <T> T call(Supplier<CompletableFuture<T>> work) {
        try {
            return submit(work).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the IKE daemon", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the IKE daemon did not answer within " + CALL_TIMEOUT);
        }
    }

    /** The newest established IKE SA with {@code peer}. */
    private Optional<IkeSa> current(String peer) {
        return host.sasOfPeer(peer).stream().filter(IkeSa::isEstablished).reduce((a, b) -> b);
    }

    private void putPeer(PeerConfig peer) {
        if (peer.localAddress().isEmpty()) {
            if (localAddress.getAddress().isAnyLocalAddress()) {
                throw new IllegalArgumentException("peer " + peer.name() + ": set localAddress; the daemon listens on the wildcard address "
                        + localAddress + " and cannot tell which of its addresses the peer sees");
            }
            peer = peer.withLocalAddress(IpAddress.ofBytes(localAddress.getAddress().getAddress()));
        } else if (peer.localId().isEmpty()) {
            peer = peer.withLocalAddress(peer.localAddress().get());
        }
        for (PeerConfig other : peers.values()) {
            if (!other.name().equals(peer.name()) && other.remoteAddress().equals(peer.remoteAddress())) {
                throw new IllegalArgumentException("peer " + peer.name() + ": remote address " + peer.remoteAddress() + " is already peer " + other.name());
            }
        }
        peers.put(peer.name(), peer);
    }

    // ---- the loop ----

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MessageCodec.MAX_MESSAGE);
        try {
            while (running) {
                long wait = nextTimerWaitMillis();
                if (wait == 0) selector.selectNow();
                else selector.select(wait < 0 ? 0 : wait);
                selector.selectedKeys().clear();
                receiveAll(channel, buffer, false);
                if (natTChannel != null) receiveAll(natTChannel, buffer, true);
                runDueTimers();
                runTasks();
            }
        } catch (IOException e) {
            LOG.log(WARNING, "IKE daemon on " + localAddress + " stopped: " + e);
        } finally {
            running = false;
            for (Runnable task; (task = tasks.poll()) != null; ) guarded("a call after close", task);
            try {
                selector.close();
                channel.close();
                if (natTChannel != null) natTChannel.close();
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "closing the IKE socket: " + e);
            }
            LOG.log(INFO, "IKE daemon on " + localAddress + " stopped");
        }
    }

    private void receiveAll(DatagramChannel socket, ByteBuffer buffer, boolean natT) throws IOException {
        while (true) {
            buffer.clear();
            InetSocketAddress from = (InetSocketAddress) socket.receive(buffer);
            if (from == null) return;
            int length = buffer.position();
            count(1, 0, 0, 0, 0);
            if (!natT) {
                byte[] datagram = Arrays.copyOf(buffer.array(), length);
                guarded("a datagram from " + from, () -> dispatch(datagram, from, false));
            } else if (length == 1 && buffer.get(0) == (byte) 0xff) {
                LOG.log(DEBUG, () -> "NAT keepalive from " + from);
            } else if (length >= 4 && buffer.getInt(0) == 0) {
                byte[] datagram = Arrays.copyOfRange(buffer.array(), 4, length);
                guarded("a datagram from " + from, () -> dispatch(datagram, from, true));
            } else {
                // ESP in UDP belongs to the dataplane, which should take it before this socket sees it.
                LOG.log(DEBUG, () -> "dropping " + length + " bytes of ESP-in-UDP from " + from + " on the NAT-T socket");
                count(0, 0, 1, 0, 0);
            }
        }
    }

    private void dispatch(byte[] datagram, InetSocketAddress from, boolean natT) {
        IkeMessage message;
        try {
            message = MessageCodec.decode(datagram);
        } catch (MalformedMessageException e) {
            LOG.log(WARNING, "dropping a malformed datagram from " + from + ": " + e.getMessage());
            count(0, 1, 0, 0, 0);
            return;
        }
        IkeHeader header = message.header();
        if (header.exchangeType() == dev.booster.ike.message.ExchangeType.IKE_SA_INIT && !header.isResponse()) {
            answerInit(message, datagram, from, natT);
            return;
        }
        long ours = header.fromOriginalInitiator() ? header.responderSpi() : header.initiatorSpi();
        IkeSa sa = sas.get(ours);
        if (sa == null || !sa.remote().getAddress().equals(from.getAddress())) {
            LOG.log(DEBUG, () -> "dropping " + header + " from " + from + ": no such IKE SA");
            count(0, 0, 1, 0, 0);
            return;
        }
        sa.receive(message, datagram, from, natT);
    }

    private void answerInit(IkeMessage message, byte[] datagram, InetSocketAddress from, boolean natT) {
        IkeHeader header = message.header();
        if (header.responderSpi() != 0 || header.messageId() != 0) {
            LOG.log(DEBUG, () -> "dropping " + header + " from " + from + ": not a first IKE_SA_INIT");
            count(0, 0, 1, 0, 0);
            return;
        }
        for (IkeSa sa : sas.values()) {
            if (sa.answersInitRetransmit(header.initiatorSpi(), from)) {
                sa.resendInitResponse();
                return;
            }
        }
        IpAddress address = IpAddress.ofBytes(from.getAddress().getAddress());
        Optional<PeerConfig> peer = peers.values().stream().filter(p -> p.remoteAddress().equals(address)).findFirst();
        if (peer.isEmpty()) {
            LOG.log(WARNING, "IKE_SA_INIT from " + from + ", which is no configured peer; dropped");
            count(0, 0, 1, 0, 0);
            return;
        }
        IkeSa.respond(host, peer.get(), from, natT, message, datagram);
    }

    private long nextTimerWaitMillis() {
        if (!tasks.isEmpty()) return 0;
        Timer next = timers.peek();
        if (next == null) return -1;
        long nanos = next.deadline - System.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().deadline <= now) {
            Timer timer = timers.poll();
            if (!timer.cancelled) guarded("a timer", timer.task);
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) guarded("a call", task);
    }

    /** The loop's fence: a bug or a throwing listener costs one event, never the daemon. */
    private void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            count(0, 0, 0, 0, 1);
            LOG.log(WARNING, "IKE daemon: handling " + what + " failed; dropped", e);
        }
    }

    /** Only the loop thread writes; readers see a consistent snapshot. */
    private void count(long received, long malformed, long unmatched, long undecryptable, long internalErrors) {
        IkeStats s = stats;
        stats = new IkeStats(s.received() + received, s.malformed() + malformed, s.unmatched() + unmatched,
                s.undecryptable() + undecryptable, s.internalErrors() + internalErrors);
    }

    private static java.net.InetAddress inet(IpAddress address) {
        try {
            return java.net.InetAddress.getByAddress(address.toBytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address + " is not an IP address", e);
        }
    }

    private static final class Timer implements SaHost.Cancellable {
        final long deadline;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Timer(long deadline, long sequence, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final class Host implements SaHost {
        @Override
        public void send(byte[] datagram, InetSocketAddress to, boolean natT) {
            try {
                if (natT && natTChannel != null) {
                    ByteBuffer marked = ByteBuffer.allocate(4 + datagram.length).putInt(0).put(datagram).flip();
                    natTChannel.send(marked, to);
                } else {
                    channel.send(ByteBuffer.wrap(datagram), to);
                }
            } catch (IOException e) {
                // Like a lost datagram: retransmission or the peer's retransmission covers it.
                LOG.log(WARNING, "sending " + datagram.length + " bytes to " + to + " failed: " + e.getMessage());
            }
        }

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            Timer timer = new Timer(System.nanoTime() + delay.toNanos(), timerSequence++, task);
            timers.add(timer);
            return timer;
        }

        @Override
        public InetSocketAddress localAddress(PeerConfig peer, boolean natT) {
            InetSocketAddress bound = natT && natTAddress != null ? natTAddress : localAddress;
            java.net.InetAddress address = peer.localAddress().map(IkeDaemon::inet).orElse(bound.getAddress());
            return new InetSocketAddress(address, bound.getPort());
        }

        @Override
        public boolean hasNatT() {
            return natTChannel != null;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public SecureRandom random() {
            return random;
        }

        @Override
        public IkeSettings settings() {
            return settings;
        }

        @Override
        public ChildSaListener childSaListener() {
            return childSaListener;
        }

        @Override
        public IkeEventListener eventListener() {
            return eventListener;
        }

        @Override
        public long newIkeSpi() {
            while (true) {
                long spi = random.nextLong();
                if (spi != 0 && !sas.containsKey(spi)) return spi;
            }
        }

        @Override
        public int newChildSpi() {
            while (true) {
                int spi = random.nextInt();
                if (Integer.compareUnsigned(spi, 256) >= 0 && childSpis.add(spi)) return spi;
            }
        }

        @Override
        public void dropped(boolean undecryptable) {
            if (undecryptable) count(0, 0, 0, 1, 0);
            else count(0, 0, 1, 0, 0);
        }

        @Override
        public void releaseChildSpi(int spi) {
            childSpis.remove(spi);
        }

        @Override
        public int newReqid() {
            return nextReqid++;
        }

        @Override
        public void register(IkeSa sa) {
            sas.put(sa.localSpi(), sa);
        }

        @Override
        public void unregister(IkeSa sa) {
            sas.remove(sa.localSpi(), sa);
        }

        @Override
        public List<IkeSa> sasOfPeer(String peer) {
            List<IkeSa> result = new ArrayList<>();
            for (IkeSa sa : sas.values()) {
                if (sa.peerName().equals(peer) && sa.isAlive()) result.add(sa);
            }
            result.sort(Comparator.comparing(sa -> sa.info().established() == null ? java.time.Instant.MIN : sa.info().established()));
            return result;
        }
    }

    /** How to start a daemon: settings, listeners, peers, then {@link #bind} or {@link #open}. */
    public static final class Builder {
        private IkeSettings settings = IkeSettings.DEFAULT;
        private ChildSaListener childSaListener = ChildSaListener.NONE;
        private IkeEventListener eventListener = IkeEventListener.NONE;
        private final List<PeerConfig> peers = new ArrayList<>();
        private InetSocketAddress natTraversal;

        private Builder() {
        }

        /**
         * Where to listen for NAT-T (UDP-encapsulated IKE, RFC 3948). {@link #bind} of port 500 takes port 4500 of the
         * same address by default; set this for other ports (tests), or with {@link #open}.
         */
        public Builder natTraversal(InetSocketAddress address) {
            this.natTraversal = Objects.requireNonNull(address, "natTraversal");
            return this;
        }

        public Builder settings(IkeSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        public Builder childSaListener(ChildSaListener listener) {
            this.childSaListener = Objects.requireNonNull(listener, "childSaListener");
            return this;
        }

        public Builder eventListener(IkeEventListener listener) {
            this.eventListener = Objects.requireNonNull(listener, "eventListener");
            return this;
        }

        public Builder peer(PeerConfig peer) {
            peers.add(Objects.requireNonNull(peer, "peer"));
            return this;
        }

        /**
         * Binds a UDP socket to {@code address} (port 500 for interop; 0 for any) and, for port 500 or when
         * {@link #natTraversal} is set, a NAT-T socket; then starts.
         */
        public IkeDaemon bind(InetSocketAddress address) {
            InetSocketAddress natT = natTraversal != null ? natTraversal
                    : address.getPort() == PeerConfig.IKE_PORT ? new InetSocketAddress(address.getAddress(), PeerConfig.NAT_T_PORT) : null;
            DatagramChannel channel = null;
            DatagramChannel natTChannel = null;
            try {
                channel = bound(address);
                if (natT != null) natTChannel = bound(natT);
                return new IkeDaemon(channel, natTChannel, settings, childSaListener, eventListener, peers);
            } catch (IOException e) {
                closeQuietly(channel);
                closeQuietly(natTChannel);
                throw new UncheckedIOException("cannot listen for IKE on " + address + (natT == null ? "" : " and " + natT) + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                closeQuietly(natTChannel);
                throw e;
            }
        }

        private static DatagramChannel bound(InetSocketAddress address) throws IOException {
            DatagramChannel channel = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                // Room for a burst (a restart of many peers, a flood) while the loop is busy with key exchanges.
                channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
                channel.bind(address);
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        /**
         * Starts on a socket the caller opened and bound, e.g. inside a network namespace (a socket stays in the
         * namespace it was created in). The daemon owns it from now on.
         */
        public IkeDaemon open(DatagramChannel boundChannel) {
            return open(boundChannel, null);
        }

        /** As {@link #open(DatagramChannel)}, with a bound NAT-T socket (normally port 4500), or null for none. */
        public IkeDaemon open(DatagramChannel boundChannel, DatagramChannel boundNatTChannel) {
            try {
                return new IkeDaemon(boundChannel, boundNatTChannel, settings, childSaListener, eventListener, peers);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start IKE on " + boundChannel + ": " + e.getMessage(), e);
            }
        }

        private static void closeQuietly(DatagramChannel channel) {
            if (channel == null) return;
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing: the first error is the one to report
            }
        }
    }
}
