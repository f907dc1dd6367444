package dev.booster.engine.dataplane;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.engine.Engine;
import dev.booster.engine.TunnelConfig;
import dev.booster.engine.state.TunnelEsp;
import dev.booster.ike.TunnelKeying;
import dev.booster.ipsec.StaticEspKeys;
import dev.booster.ipsec.EspSaSink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Tunnels} on the engine: a {@link TunnelSpec} becomes routes for the remote pod CIDRs, plain ones to the next
 * hop of {@code remoteAddress} out of the uplink (encapsulation none, no protection), else to a tunnel adjacency of an
 * engine tunnel ({@link TunnelConfig}): IP in IP, VXLAN, or ESP tunnel mode when protected. With protection the
 * encapsulation is ESP's tunnel mode itself (IP in ESP in IP), for {@code none} and {@code ipip} alike; VXLAN with ESP
 * is refused.
 *
 * <p>The next hop is what the engine's FIB says for {@code remoteAddress} when the tunnel is put (a route out of the
 * uplink, e.g. {@code afxdp.uplink.routes}); put the tunnel again after that route changed.
 *
 * <p>Replacing a tunnel is make before break: the new tunnel (and its SAs) is made first, each CIDR's route is switched
 * to it in place, CIDRs the new spec drops are removed, and only then the old tunnel goes (its ciphers closed once the
 * worker left it).
 *
 * <p>With {@link KeyExchange#IKEV2_PSK} the tunnel starts without SAs (its packets are dropped as {@code esp-no-sa})
 * and {@link TunnelIke} keys it: IKEv2 with the spec's key as PSK puts the Child SAs into the tunnel's sink, rekeys
 * them make before break, and removing the tunnel closes its keying (IKE Delete, inbound SAs out). A replacement that
 * changes more than the pod CIDRs is keyed anew: the old keying is closed before the new one starts, since IKE keeps
 * one peer per remote node.
 */
final class EngineTunnels implements Tunnels {
    private static final int ESP_IN_UDP_HEADER = 8;

    private final Engine engine;
    private final TunnelUplink uplink;
    private final TunnelIke ike;
    private final Map<String, Installed> byNode = new LinkedHashMap<>();

    /**
     * A tunnel as installed: {@code tunnel} is the engine tunnel's index, -1 for plain routes; {@code keying} is its
     * IKEv2 keying, null for static keys or none.
     */
    private record Installed(TunnelSpec spec, int tunnel, TunnelSaSink sink, TunnelKeying keying) {
    }

    EngineTunnels(Engine engine, TunnelUplink uplink, TunnelIke ike) {
        this.engine = engine;
        this.uplink = uplink;
        this.ike = ike;
    }

    @Override
    public synchronized void put(TunnelSpec spec) {
        Installed old = byNode.get(spec.remoteNode());
        if (old != null && old.spec().equals(spec)) return;
        check(spec);
        boolean keep = old != null && old.tunnel() >= 0 && sameTunnel(old.spec(), spec);
        // One IKE peer per remote node: a changed IKE tunnel is keyed anew, so the old keying goes first (its SAs with
        // it); its traffic is dropped as esp-no-sa until the new SAs are up.
        if (!keep && old != null && old.keying() != null) ike.release(old.keying());
        Installed now = keep ? reroute(old, spec) : install(spec);
        if (!keep && old != null) {
            for (IpPrefix cidr : old.spec().remotePodCidrs()) if (!spec.remotePodCidrs().contains(cidr)) engine.removeRoute(cidr);
            retire(old);
        }
        byNode.put(spec.remoteNode(), now);
        uplink.acceptTunnelTraffic(localAddresses());
    }

    /**
     * Whether {@code b} is the same engine tunnel as {@code a} with other pod CIDRs: then the tunnel (and its SAs, whose
     * sequence numbers and replay windows must go on: made anew from the same static key they would restart at 1,
     * which the peer's replay window refuses) stays, only routes change.
     */
    private static boolean sameTunnel(TunnelSpec a, TunnelSpec b) {
        return a.localAddress().equals(b.localAddress()) && a.remoteAddress().equals(b.remoteAddress()) && a.vni() == b.vni()
                && a.protection() == b.protection() && a.keyExchange() == b.keyExchange() && a.key().equals(b.key())
                && (a.encapsulation() == b.encapsulation() || a.protection() != Protection.NONE); // with ESP, none = ipip
    }

    /** The installed tunnel with {@code spec}'s pod CIDRs routed into it and the others removed. */
    private Installed reroute(Installed old, TunnelSpec spec) {
        for (IpPrefix cidr : spec.remotePodCidrs()) engine.addTunnelRoute(cidr, old.tunnel());
        for (IpPrefix cidr : old.spec().remotePodCidrs()) if (!spec.remotePodCidrs().contains(cidr)) engine.removeRoute(cidr);
        return new Installed(spec, old.tunnel(), old.sink(), old.keying());
    }

    @Override
    public synchronized boolean remove(String remoteNode) {
        Installed old = byNode.remove(remoteNode);
        if (old == null) return false;
        for (IpPrefix cidr : old.spec().remotePodCidrs()) engine.removeRoute(cidr);
        retire(old);
        uplink.acceptTunnelTraffic(localAddresses());
        return true;
    }

    @Override
    public synchronized Optional<TunnelSpec> get(String remoteNode) {
        return Optional.ofNullable(byNode.get(remoteNode)).map(Installed::spec);
    }

    @Override
    public synchronized List<TunnelSpec> list() {
        return byNode.values().stream().map(Installed::spec).toList();
    }

    /**
     * The sink through which a key manager sets the ESP SAs of the tunnel to {@code remoteNode}; empty when there is
     * no such tunnel or it is not protected. It is the tunnel's until the tunnel is replaced or removed.
     */
    synchronized Optional<EspSaSink> espSaSink(String remoteNode) {
        return Optional.ofNullable(byNode.get(remoteNode)).map(Installed::sink);
    }

    /** The IKEv2 keying of the tunnel to {@code remoteNode}; empty when there is none or it is not keyed by IKE. */
    synchronized Optional<TunnelKeying> keying(String remoteNode) {
        return Optional.ofNullable(byNode.get(remoteNode)).map(Installed::keying);
    }

    /** Removes every tunnel, then stops IKE (the dataplane closes). */
    synchronized void removeAll() {
        try {
            for (String node : List.copyOf(byNode.keySet())) remove(node);
        } finally {
            ike.close();
        }
    }

    private void check(TunnelSpec spec) {
        if (spec.protection() == Protection.WIREGUARD) {
            throw new UnsupportedOperationException("tunnel to " + spec.remoteNode() + ": protection wireguard is not implemented; use ipsec-esp-aes-gcm-128/256 or none");
        }
        boolean esp = spec.protection() != Protection.NONE;
        if (esp && spec.encapsulation() == Encapsulation.VXLAN) {
            throw new InvalidSpecException("encapsulation", "vxlan cannot be combined with protection " + spec.protection()
                    + "; use ipip or none: with ESP the packet travels in ESP tunnel mode, which is IP in IP itself");
        }
        for (int i = 0; i < spec.remotePodCidrs().size(); i++) {
            IpPrefix cidr = spec.remotePodCidrs().get(i);
            for (Installed other : byNode.values()) {
                if (!other.spec().remoteNode().equals(spec.remoteNode()) && other.spec().remotePodCidrs().contains(cidr)) {
                    throw new InvalidSpecException("remotePodCidrs[" + i + "]", cidr + " is already node " + other.spec().remoteNode()
                            + "'s pod CIDR; a pod CIDR belongs to one node");
                }
            }
        }
    }

    private Installed install(TunnelSpec spec) {
        Engine.NextHop hop = engine.nextHop(spec.remoteAddress()).filter(h -> h.iface() == uplink.engineIndex()).orElseThrow(() ->
                new InvalidSpecException("remoteAddress", spec.remoteAddress() + " has no route out of the uplink; add one towards the remote node "
                        + "(for afxdp: option afxdp.uplink.routes with afxdp.uplink.gatewayMac)"));
        boolean esp = spec.protection() != Protection.NONE;
        if (!esp && spec.encapsulation() == Encapsulation.NONE) {
            for (IpPrefix cidr : spec.remotePodCidrs()) engine.addRoute(cidr, hop.iface(), hop.mac());
            return new Installed(spec, -1, null, null);
        }
        TunnelConfig.Kind kind = esp ? TunnelConfig.Kind.ESP
                : spec.encapsulation() == Encapsulation.VXLAN ? TunnelConfig.Kind.VXLAN : TunnelConfig.Kind.IPIP;
        boolean outer6 = spec.localAddress().family() == IpFamily.IPV6;
        // IKE may put the SAs in UDP (NAT-T, or a peer that always encapsulates): keep room for that 8-byte header.
        int udpRoom = spec.keyExchange() == KeyExchange.IKEV2_PSK ? ESP_IN_UDP_HEADER : 0;
        int innerMtu = TunnelConfig.innerMtu(kind, outer6, uplink.mtu() - udpRoom);
        int tunnel = engine.addTunnel(new TunnelConfig(kind, hop.iface(), hop.mac(), spec.localAddress(), spec.remoteAddress(),
                kind == TunnelConfig.Kind.VXLAN ? spec.vni() : 0, innerMtu));
        TunnelSaSink sink = esp ? new TunnelSaSink(engine, tunnel) : null;
        List<IpPrefix> routed = new ArrayList<>();
        TunnelKeying keying = null;
        try {
            if (esp && spec.keyExchange() == KeyExchange.STATIC) {
                sink.addInbound(StaticEspKeys.inbound(spec));
                sink.setOutbound(StaticEspKeys.outbound(spec));
            }
            for (IpPrefix cidr : spec.remotePodCidrs()) {
                engine.addTunnelRoute(cidr, tunnel);
                routed.add(cidr);
            }
            // Last: IKE may hand the sink SAs as soon as the peer is added, and the routes are in place by then.
            if (esp && spec.keyExchange() == KeyExchange.IKEV2_PSK) keying = ike.key(spec, sink);
        } catch (RuntimeException e) {
            // Routes this call switched away from an older tunnel are removed, not restored: put the tunnel again.
            try {
                for (IpPrefix cidr : routed) engine.removeRoute(cidr);
                retire(new Installed(spec, tunnel, sink, keying));
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new Installed(spec, tunnel, sink, keying);
    }

    /** Removes the engine tunnel of {@code old} (its routes are gone or lead elsewhere) and closes its ciphers. */
    private void retire(Installed old) {
        if (old.tunnel() < 0) return;
        if (old.keying() != null) ike.release(old.keying()); // idempotent: a replaced tunnel's keying went already
        if (old.sink() != null) old.sink().close();
        TunnelEsp last = engine.removeTunnel(old.tunnel());
        engine.awaitWorkerCaughtUp();
        TunnelSaSink.closeAll(last);
    }

    private Set<IpAddress> localAddresses() {
        Set<IpAddress> locals = new LinkedHashSet<>();
        for (Installed t : byNode.values()) if (t.tunnel() >= 0) locals.add(t.spec().localAddress());
        return locals;
    }
}
