package dev.booster.ike;

import dev.booster.ipsec.EspSaSink;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's IKE: one {@link IkeDaemon} (UDP 500 and 4500) serving every remote node, each bound to the
 * {@link EspSaSink} of the dataplane's tunnel to it. {@link #addPeer} starts answering (and lets the caller
 * initiate) keying for one tunnel; closing the returned {@link TunnelKeying} deletes that peer's SAs.
 *
 * <pre>{@code
 * try (NodeIke ike = NodeIke.bind(new InetSocketAddress(nodeAddress, 500), IkeSettings.DEFAULT)) {
 *     TunnelKeying toB = ike.addPeer(PeerConfig.builder("node-b").remote(b).psk(psk)
 *             .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16")).build(),
 *             tunnelToB.espSaSink(), events);
 *     toB.initiate();          // one side initiates (e.g. the lower address); the other answers
 *     ...
 *     toB.close();             // IKE Delete sent, every inbound SA removed from the sink
 * }
 * }</pre>
 */
public final class NodeIke implements AutoCloseable {
    private final Map<String, TunnelKeying> tunnels = new ConcurrentHashMap<>();
    private final IkeDaemon daemon;

    private NodeIke(IkeDaemon.Builder builder, java.util.function.Function<IkeDaemon.Builder, IkeDaemon> start) {
        Router router = new Router();
        this.daemon = start.apply(builder.childSaListener(router).eventListener(router));
    }

    /** Binds UDP {@code address} (port 500 for interop) and, for port 500, port 4500 of the same address (NAT-T). */
    public static NodeIke bind(InetSocketAddress address, IkeSettings settings) {
        return new NodeIke(IkeDaemon.builder().settings(settings), b -> b.bind(address));
    }

    /** Starts on sockets the caller bound (e.g. inside a network namespace); {@code natT} may be null. Owns them. */
    public static NodeIke open(DatagramChannel ike, DatagramChannel natT, IkeSettings settings) {
        return new NodeIke(IkeDaemon.builder().settings(settings), b -> b.open(ike, natT));
    }

    /**
     * Keys the tunnel to {@code peer}: from now on its Child SAs go to {@code sink} and its IKE events to
     * {@code events}. The daemon answers the peer at once; {@link TunnelKeying#initiate()} starts from this side.
     *
     * @throws IllegalArgumentException a tunnel to a peer of that name is keyed already, or the config is refused
     */
    public TunnelKeying addPeer(PeerConfig peer, EspSaSink sink, IkeEventListener events) {
        if (peer == null) throw new IllegalArgumentException("peer must be set");
        if (events == null) throw new IllegalArgumentException("events must be set (IkeEventListener.NONE to ignore them)");
        TunnelKeying keying = new TunnelKeying(this, new EspSaBinding(peer.name(), sink), events);
        if (tunnels.putIfAbsent(peer.name(), keying) != null) {
            throw new IllegalArgumentException("peer " + peer.name() + " is keyed already: close its TunnelKeying first");
        }
        try {
            daemon.addPeer(peer);
        } catch (RuntimeException e) {
            tunnels.remove(peer.name(), keying);
            throw e;
        }
        return keying;
    }

    public TunnelKeying addPeer(PeerConfig peer, EspSaSink sink) {
        return addPeer(peer, sink, IkeEventListener.NONE);
    }

    /** The daemon, for what the handles do not cover (IKE SA rekeys, liveness checks, statistics). */
    public IkeDaemon daemon() {
        return daemon;
    }

    /** The tunnels keyed now. */
    public List<TunnelKeying> tunnels() {
        return List.copyOf(tunnels.values());
    }

    /** Closes every tunnel's keying (IKE Deletes sent, inbound SAs removed), then the daemon: its thread and sockets. */
    @Override
    public void close() {
        try {
            for (TunnelKeying keying : tunnels()) keying.close();
        } finally {
            daemon.close();
        }
    }

    void forget(TunnelKeying keying) {
        tunnels.remove(keying.peer(), keying);
    }

    /** The daemon's listeners, fanned out to the tunnel of each call's peer. */
    private final class Router implements ChildSaListener, IkeEventListener {
        @Override
        public void installed(ChildSa in, ChildSa out) {
            TunnelKeying keying = tunnels.get(in.peer());
            if (keying != null) keying.binding().installed(in, out);
        }

        @Override
        public void inboundAdded(ChildSa newIn) {
            TunnelKeying keying = tunnels.get(newIn.peer());
            if (keying != null) keying.binding().inboundAdded(newIn);
        }

        @Override
        public void outboundSwitched(ChildSa oldOut, ChildSa newOut) {
            TunnelKeying keying = tunnels.get(newOut.peer());
            if (keying != null) keying.binding().outboundSwitched(oldOut, newOut);
        }

        @Override
        public void deleted(ChildSa in, ChildSa out) {
            TunnelKeying keying = tunnels.get(in.peer());
            if (keying != null) keying.binding().deleted(in, out);
        }

        @Override
        public void established(IkeSaInfo sa) {
            TunnelKeying keying = tunnels.get(sa.peer());
            if (keying != null) keying.events().established(sa);
        }

        @Override
        public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo replacement) {
            TunnelKeying keying = tunnels.get(replacement.peer());
            if (keying != null) keying.events().ikeSaRekeyed(old, replacement);
        }

        @Override
        public void closed(IkeSaInfo sa, IkeFailure why) {
            TunnelKeying keying = tunnels.get(sa.peer());
            if (keying != null) keying.events().closed(sa, why);
        }

        @Override
        public void failed(IkeFailure failure) {
            TunnelKeying keying = tunnels.get(failure.peer());
            if (keying != null) keying.events().failed(failure);
        }
    }
}
