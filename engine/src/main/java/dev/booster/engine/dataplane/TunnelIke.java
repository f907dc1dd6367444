package dev.booster.engine.dataplane;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.ike.EspProposal;
import dev.booster.ike.IkeEventListener;
import dev.booster.ike.IkeException;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeSaInfo;
import dev.booster.ike.IkeSettings;
import dev.booster.ike.NodeIke;
import dev.booster.ike.PeerConfig;
import dev.booster.ike.TrafficSelector;
import dev.booster.ike.TunnelKeying;
import dev.booster.ipsec.EspSaSink;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The IKEv2 side of the dataplane's tunnels with {@link dev.booster.api.tunnel.KeyExchange#IKEV2_PSK}: one
 * {@link NodeIke} per local tunnel address, started with the first such tunnel and bound to that address on UDP 500 and
 * 4500 inside the uplink's network namespace ({@link TunnelUplink#inNodeNetns}), closed with the dataplane. Each tunnel
 * is one IKE peer whose Child SAs go to the tunnel's {@link EspSaSink}.
 *
 * <p>Who initiates: the node whose local tunnel address is the lower one (unsigned, byte by byte) starts the IKE SA;
 * both nodes answer. So two Booster nodes never start crossing IKE SAs, and a strongSwan peer may initiate or not. When
 * setting up fails (the peer's tunnel is not there yet, a wrong key...) the initiator tries again after
 * {@link #FIRST_RETRY}, doubling up to {@link #MAX_RETRY}, while the tunnel exists.
 *
 * <p>Traffic selectors: the peer's pod CIDRs ({@link TunnelSpec#remotePodCidrs()}) on its side, the whole address
 * family on ours ({@code 0.0.0.0/0}, {@code ::/0}), because a {@link TunnelSpec} does not name the local pod CIDR;
 * the peer narrows it to what it allows (RFC 7296 §2.9). What enters the tunnel is decided by the engine's routes, and
 * what leaves it by pod policy, as for every tunnel.
 *
 * <p>Failures and losses become {@link DataplaneEvent.TunnelKeyingFailed}, set-ups and IKE SA rekeys
 * {@link DataplaneEvent.TunnelKeyed}. The PSK goes only into the {@link PeerConfig} (a {@link dev.booster.api.Secret}
 * never prints itself).
 */
final class TunnelIke implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TunnelIke.class.getName());
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(2);

    private final TunnelUplink uplink;
    private final EventBus events;
    private final IkeSettings settings;
    private final Map<IpAddress, NodeIke> byLocalAddress = new LinkedHashMap<>();
    /** The keyings in use by remote node; read from IKE threads, which must never wait for this object's lock. */
    private final Map<String, TunnelKeying> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries;
    private volatile boolean closed;

    TunnelIke(TunnelUplink uplink, EventBus events, IkeSettings settings) {
        this.uplink = uplink;
        this.events = events;
        this.settings = settings;
        // Its thread starts with the first retry, and ends when the dataplane closes.
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("booster-ike-retry").factory());
    }

    /**
     * Starts keying the tunnel of {@code spec} into {@code sink}: adds the peer and, on the lower address's side,
     * initiates. Returns at once; the SAs arrive when IKE is done.
     *
     * @throws InvalidSpecException the IKE sockets cannot be bound to {@code localAddress}, or the peer is refused
     */
    synchronized TunnelKeying key(TunnelSpec spec, EspSaSink sink) {
        if (closed) throw new IllegalStateException("the dataplane is closed");
        NodeIke ike = nodeIke(spec.localAddress());
        TunnelKeying keying;
        try {
            keying = ike.addPeer(peerConfig(spec), sink, new Events(spec.remoteNode()));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("keyExchange", "the IKE peer " + spec.remoteNode() + " is refused: " + e.getMessage());
        }
        active.put(spec.remoteNode(), keying);
        if (initiates(spec)) initiate(keying, FIRST_RETRY);
        return keying;
    }

    /** Stops keying a tunnel (it is removed or replaced): IKE Delete to the peer, its inbound SAs out of the sink. */
    void release(TunnelKeying keying) {
        active.remove(keying.peer(), keying);
        keying.close();
    }

    /** Whether this side starts the IKE SA of {@code spec}'s tunnel: the one with the lower address. */
    static boolean initiates(TunnelSpec spec) {
        return java.util.Arrays.compareUnsigned(spec.localAddress().toBytes(), spec.remoteAddress().toBytes()) < 0;
    }

    static PeerConfig peerConfig(TunnelSpec spec) {
        List<TrafficSelector> remote = spec.remotePodCidrs().stream().map(TrafficSelector::of).toList();
        List<TrafficSelector> local = new ArrayList<>();
        boolean v4 = spec.remotePodCidrs().stream().anyMatch(c -> c.family() == IpFamily.IPV4);
        boolean v6 = spec.remotePodCidrs().stream().anyMatch(c -> c.family() == IpFamily.IPV6);
        if (v4) local.add(TrafficSelector.of(IpPrefix.parse("0.0.0.0/0")));
        if (v6) local.add(TrafficSelector.of(IpPrefix.parse("::/0")));
        return PeerConfig.builder(spec.remoteNode())
                .remote(spec.remoteAddress())
                .localAddress(spec.localAddress())
                .psk(spec.key().orElseThrow(() -> new InvalidSpecException("key", "is required: it is the IKEv2 pre-shared key")))
                .espProposals(espProposal(spec.protection()))
                .localTs(local.toArray(TrafficSelector[]::new))
                .remoteTs(remote.toArray(TrafficSelector[]::new))
                .build();
    }

    /** ESP AES-GCM-16 with the key size of the tunnel's protection, and no other: the tunnel asked for that one. */
    static EspProposal espProposal(Protection protection) {
        return switch (protection) {
            case IPSEC_ESP_AES_GCM_128 -> EspProposal.AES_GCM_16_128;
            case IPSEC_ESP_AES_GCM_256 -> EspProposal.AES_GCM_16_256;
            default -> throw new InvalidSpecException("protection", protection + " has no IKEv2 keying; use ipsec-esp-aes-gcm-128 or -256");
        };
    }

    private NodeIke nodeIke(IpAddress local) {
        NodeIke ike = byLocalAddress.get(local);
        if (ike != null) return ike;
        InetSocketAddress address = new InetSocketAddress(inet(local), PeerConfig.IKE_PORT);
        try {
            ike = uplink.inNodeNetns(() -> NodeIke.bind(address, settings));
        } catch (RuntimeException e) {
            throw new InvalidSpecException("localAddress", "IKE cannot listen on " + local + " UDP " + PeerConfig.IKE_PORT + " and "
                    + PeerConfig.NAT_T_PORT + " in the node's network namespace: " + e.getMessage()
                    + "; the address must be the node's own (on the uplink) and nothing else may hold those ports (a host charon?)");
        }
        byLocalAddress.put(local, ike);
        LOG.log(INFO, "IKEv2 listening on " + local + " UDP " + PeerConfig.IKE_PORT + "/" + PeerConfig.NAT_T_PORT);
        return ike;
    }

    private void initiate(TunnelKeying keying, Duration retry) {
        keying.initiate().whenComplete((sa, failure) -> {
            if (failure == null) return;
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            // The listener reported IKE's own failures already; say here what else went wrong.
            if (!(cause instanceof IkeException)) LOG.log(DEBUG, "initiating IKE with " + keying.peer() + ": " + cause);
            scheduleRetry(keying, retry);
        });
    }

    private void scheduleRetry(TunnelKeying keying, Duration retry) {
        if (!isKeyed(keying)) return;
        Duration next = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        try {
            retries.schedule(() -> {
                if (isKeyed(keying)) initiate(keying, next);
            }, retry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: no more retries
        }
    }

    private boolean isKeyed(TunnelKeying keying) {
        return !closed && active.get(keying.peer()) == keying;
    }

    /** Closes every node's IKE: Deletes to the peers, inbound SAs removed, threads and sockets gone. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        retries.shutdownNow();
        active.clear();
        try {
            retries.awaitTermination(5, TimeUnit.SECONDS); // so that no thread outlives the dataplane
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RuntimeException failure = null;
        for (NodeIke ike : byLocalAddress.values()) {
            try {
                ike.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        byLocalAddress.clear();
        if (failure != null) throw failure;
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByAddress(address.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address + ": " + e.getMessage(), e);
        }
    }

    /** One tunnel's IKE events as dataplane events. */
    private final class Events implements IkeEventListener {
        private final String remoteNode;

        Events(String remoteNode) {
            this.remoteNode = remoteNode;
        }

        @Override
        public void established(IkeSaInfo sa) {
            events.publish(new DataplaneEvent.TunnelKeyed(Instant.now(), remoteNode, "IKE SA " + sa.spis() + " " + sa.childSas()));
        }

        @Override
        public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo replacement) {
            events.publish(new DataplaneEvent.TunnelKeyed(Instant.now(), remoteNode, "IKE SA rekeyed to " + replacement.spis() + " " + replacement.childSas()));
        }

        @Override
        public void closed(IkeSaInfo sa, IkeFailure why) {
            if (why.reason() == IkeFailure.Reason.CLOSED && !active.containsKey(remoteNode)) return; // removed here
            LOG.log(WARNING, "tunnel to " + remoteNode + ": IKE SA " + sa.spis() + " ended: " + why);
            events.publish(new DataplaneEvent.TunnelKeyingFailed(Instant.now(), remoteNode, "IKE SA ended: " + why.reason() + ": " + why.detail()));
        }

        @Override
        public void failed(IkeFailure failure) {
            LOG.log(WARNING, "tunnel to " + remoteNode + ": " + failure);
            events.publish(new DataplaneEvent.TunnelKeyingFailed(Instant.now(), remoteNode, failure.reason() + ": " + failure.detail()));
        }
    }
}
