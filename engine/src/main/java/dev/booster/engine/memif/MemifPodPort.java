package dev.booster.engine.memif;

import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodSpec;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifException;
import dev.booster.memif.MemifInterface;

import java.util.function.Supplier;

/**
 * A pod's memif interface as the engine's port: a {@link MemifInterface} in the role the spec gives (master, the
 * usual choice, as VPP is) and the {@link MemifPort} over it. The engine-based dataplane makes these itself, whatever
 * its backend: memif is shared memory between processes, no backend's device.
 *
 * <p>The socket is the spec's: a filesystem path as given, or an abstract name ({@code @name}), which exists per
 * network namespace and is therefore made inside the pod's namespace when the pod has one (the backend enters it).
 *
 * <p>The pod's MAC is the spec's {@code mac} or, as for a veth, a stable locally administered one: the engine sends to
 * it and the application sends from it. Link state: the port is down until a peer connects, and goes down and up again
 * as peers leave and come; the listener hears each change, packets meanwhile are dropped ({@code tx-full}).
 */
public final class MemifPodPort implements PodPort {
    /** Bytes before each received frame in the own buffers, as the memory backend keeps: room for pushed headers. */
    static final int HEADROOM = 128;
    /** The smallest own buffer, headroom included: a 1500-byte MTU frame and a VLAN tag fit with room to spare. */
    static final int MIN_BUFFER_SIZE = 2048;
    /** Own buffers: two vectors' worth, so a full vector can be received while the previous one is still out. */
    static final int BUFFERS = 2 * PacketVector.CAPACITY;

    /** Hears the link go up (a peer connected) and down (it left); called on the memif control thread. */
    @FunctionalInterface
    public interface LinkListener {
        void linkChanged(MemifPodPort port, boolean up);

        LinkListener NONE = (port, up) -> { };
    }

    /** Runs a task inside the pod's network namespace (what {@code EngineBackend.inPodNetns} does). */
    @FunctionalInterface
    public interface NetnsRunner {
        <T> T supply(PodSpec pod, Supplier<T> task);
    }

    private final String hostName;
    private final MacAddress podMac;
    private final MemifInterface memif;
    private final ArenaPacketBuffers buffers;
    private final MemifPort port;
    private final Runnable awaitWorker;
    private final LinkState link;
    private boolean closed;

    private MemifPodPort(String hostName, MacAddress podMac, MemifInterface memif, ArenaPacketBuffers buffers, MemifPort port,
                         Runnable awaitWorker, LinkState link) {
        this.hostName = hostName;
        this.podMac = podMac;
        this.memif = memif;
        this.buffers = buffers;
        this.port = port;
        this.awaitWorker = awaitWorker;
        this.link = link;
    }

    /**
     * Opens the memif of {@code pod}'s interface {@code spec}: a master listens at once (an occupied socket name or a
     * missing directory fails here), a slave starts connecting in the background.
     *
     * @param field       where the interface sits in the pod spec ({@code interfaces[1]}), for errors
     * @param gatewayMac  the engine's MAC on the link (IP mode puts it in front of every received packet)
     * @param netns       enters the pod's namespace, used for an abstract socket name of a pod that has one
     * @param awaitWorker returns once the engine's worker no longer uses the port (after the interface was removed)
     * @throws InvalidSpecException a spec value memif refuses (field named from the pod spec)
     * @throws DataplaneException   the socket cannot be made (the message says why and what to do)
     */
    public static MemifPodPort open(PodSpec pod, Memif spec, String field, MacAddress gatewayMac, NetnsRunner netns,
                                    Runnable awaitWorker, LinkListener listener) {
        MemifConfig config;
        try {
            config = MemifConfig.from(spec);
        } catch (InvalidSpecException e) {
            throw e.within(field);
        }
        boolean ipMode = spec.mode() == Memif.Mode.IP;
        MacAddress podMac = spec.mac().orElseGet(() -> MacAddress.locallyAdministered((pod.uid() + "/" + spec.name()).hashCode()));
        ArenaPacketBuffers buffers = new ArenaPacketBuffers(BUFFERS, bufferSize(spec.mtu()), HEADROOM);
        LinkState link = new LinkState(listener);
        MemifInterface memif;
        try {
            boolean inPodNetns = spec.socketPath().startsWith("@") && pod.netns().isPresent();
            memif = inPodNetns ? netns.supply(pod, () -> MemifInterface.open(config, link)) : MemifInterface.open(config, link);
        } catch (MemifException e) {
            buffers.close();
            throw new DataplaneException("pod " + pod.namespace() + "/" + pod.name() + " " + field + " (" + spec.name() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            buffers.close();
            throw e;
        }
        MemifPort port = new MemifPort(memif, buffers, BUFFERS, ipMode, podMac.bits(), gatewayMac.bits());
        MemifPodPort podPort = new MemifPodPort(spec.socketPath(), podMac, memif, buffers, port, awaitWorker, link);
        link.start(podPort, memif.isConnected());
        return podPort;
    }

    /** Own buffers hold the largest frame the MTU allows, with one VLAN tag, after the headroom; 64-byte multiples. */
    static int bufferSize(int mtu) {
        int needed = HEADROOM + MemifPort.ETHERNET_HEADER + 4 + mtu;
        return Math.max(MIN_BUFFER_SIZE, (needed + 63) & ~63);
    }

    @Override
    public Port port() {
        return port;
    }

    /** The socket path (or {@code @name}): what counters and attachments show for a memif. */
    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public MacAddress podMac() {
        return podMac;
    }

    /** Whether a peer is connected now. */
    public boolean isUp() {
        return link.up();
    }

    /** The memif underneath: its peer's name, why the last connection ended, how many connections there were. */
    public MemifInterface memif() {
        return memif;
    }

    /** Frames from the peer the port dropped (too long, not IP in IP mode, cut off by a disconnect). */
    public long rxDiscarded() {
        return port.rxDiscarded();
    }

    /** Packets for an IP-mode peer that were no IP packets, and so dropped. */
    public long txDiscarded() {
        return port.txDiscarded();
    }

    /**
     * Disconnects the peer and closes the socket; frees the own buffers once the worker has left the port (the
     * dataplane removed the interface first). If the worker does not catch up the buffers stay allocated rather than be
     * freed under it.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        try {
            awaitWorker.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        memif.close();
        if (failure == null) {
            port.releasePartials();
            buffers.close();
        }
        if (failure != null) throw failure;
    }

    /**
     * The link state and who hears of it. A peer may connect before the port is built (a slave was already waiting):
     * changes before {@link #start} are only recorded, start reports the state then, and a change is reported once.
     */
    private static final class LinkState implements MemifInterface.StateListener {
        private final LinkListener listener;
        private MemifPodPort port;
        private volatile boolean up;

        LinkState(LinkListener listener) {
            this.listener = listener;
        }

        synchronized void start(MemifPodPort built, boolean connected) {
            port = built;
            change(connected);
        }

        boolean up() {
            return up;
        }

        @Override
        public void connected(String peerName) {
            changed(true);
        }

        @Override
        public void disconnected(String reason) {
            changed(false);
        }

        private synchronized void changed(boolean connected) {
            if (port != null) change(connected);
        }

        private void change(boolean connected) {
            if (up == connected) return;
            up = connected;
            listener.linkChanged(port, connected);
        }
    }

    @Override
    public String toString() {
        return "MemifPodPort[" + hostName + (isUp() ? ", up" : ", down") + "]";
    }
}
