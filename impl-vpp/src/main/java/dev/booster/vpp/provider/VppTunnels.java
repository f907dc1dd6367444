package dev.booster.vpp.provider;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.ipsec.StaticEspKeys;
import dev.booster.vpp.api.MessageMismatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tunnels to other nodes on VPP, with the engine's semantics ({@code EngineTunnels}): {@code ipip}, or any ESP
 * protection, becomes an {@code ipip} tunnel interface (unnumbered to the uplink) and routes to the remote pod CIDRs
 * through it; static ESP adds two SAs derived by {@link StaticEspKeys}, exactly the engine's, so a VPP node and an
 * engine node agree, and protects the tunnel with them. Neither encapsulation nor protection: routes to the pod CIDRs
 * via the remote node's address out of the uplink. The uplink ({@link VppUplink}) is made when the first tunnel is put
 * and deleted with the last one. Each step's undo is kept, so removing a tunnel (or a failure part way) takes back
 * exactly what was made. Replacing a tunnel removes the old one before putting the new one (VPP refuses two ipip
 * tunnels with the same endpoints): packets to its pods are dropped in between.
 */
final class VppTunnels implements Tunnels {

    /** Where Booster's SAD ids start: apart from small ids an operator or another agent may use. */
    static final long FIRST_SAD_ID = 0x4253_0001L;

    private final VppDataplane dataplane;
    private final Optional<VppUplink> uplink;
    private final Map<String, Installed> byNode = new LinkedHashMap<>();
    /** The uplink's af_packet interface in the current session, -1 when it is not made. */
    private int uplinkSwIfIndex = -1;
    private final ArrayDeque<Runnable> uplinkUndo = new ArrayDeque<>();
    private long nextSadId = FIRST_SAD_ID;
    /**
     * The uplink's MAC: random (so two nodes never share one, whatever their interface names) but the same for the
     * dataplane's life, so that a peer which learnt it (an engine node's {@code afxdp.uplink.gatewayMac}, an ARP cache)
     * still reaches VPP after the uplink was made again (last tunnel removed then a new one, a VPP restart). Not the
     * host interface's own MAC: the host's kernel would take VPP's packets as its own.
     */
    private final dev.booster.api.net.MacAddress uplinkMac =
            dev.booster.api.net.MacAddress.locallyAdministered(new java.security.SecureRandom().nextLong());

    /** A tunnel as asked, and what takes back each of its steps in the current session, last step on top. */
    private static final class Installed {
        final TunnelSpec spec;
        final ArrayDeque<Runnable> undo = new ArrayDeque<>();

        Installed(TunnelSpec spec) {
            this.spec = spec;
        }
    }

    VppTunnels(VppDataplane dataplane, Optional<VppUplink> uplink) {
        this.dataplane = dataplane;
        this.uplink = uplink;
    }

    @Override
    public void put(TunnelSpec spec) {
        synchronized (dataplane.lock) {
            check(spec);
            VppSession session = dataplane.session();
            checkMessages(session);
            Installed old = byNode.remove(spec.remoteNode());
            if (old != null) undo(old.undo);
            Installed installed = new Installed(spec);
            try {
                program(session, installed);
            } catch (RuntimeException e) {
                try {
                    undo(installed.undo);
                    if (byNode.isEmpty()) undo(uplinkUndo);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            byNode.put(spec.remoteNode(), installed);
        }
    }

    @Override
    public boolean remove(String remoteNode) {
        synchronized (dataplane.lock) {
            Installed old = byNode.get(remoteNode);
            if (old == null) return false;
            dataplane.session();
            undo(old.undo);
            byNode.remove(remoteNode);
            if (byNode.isEmpty()) undo(uplinkUndo);
            return true;
        }
    }

    @Override
    public Optional<TunnelSpec> get(String remoteNode) {
        synchronized (dataplane.lock) {
            return Optional.ofNullable(byNode.get(remoteNode)).map(t -> t.spec);
        }
    }

    @Override
    public List<TunnelSpec> list() {
        synchronized (dataplane.lock) {
            return byNode.values().stream().map(t -> t.spec).toList();
        }
    }

    /** Removes every tunnel and the uplink (closing the dataplane). */
    void removeAll() {
        for (String node : List.copyOf(byNode.keySet())) remove(node);
    }

    /** Makes every tunnel again on a new VPP (after a restart: the old VPP's objects died with it). */
    void reprogram(VppSession session) {
        uplinkSwIfIndex = -1;
        uplinkUndo.clear();
        nextSadId = FIRST_SAD_ID;
        for (Installed t : byNode.values()) t.undo.clear();
        if (!byNode.isEmpty()) checkMessages(session);
        for (Installed t : byNode.values()) {
            try {
                program(session, t);
            } catch (RuntimeException e) {
                if (!session.isConnected()) throw e; // VPP went away again: the caller starts over
                // The new VPP refuses this tunnel: what it made of it goes, the other tunnels still go in.
                try {
                    undo(t.undo);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                System.getLogger(VppTunnels.class.getName()).log(System.Logger.Level.WARNING, "the restarted VPP"
                        + " refused the tunnel to " + t.spec.remoteNode() + "; it stays without VPP's side until put"
                        + " again or removed: " + e.getMessage(), e);
            }
        }
    }

    /** The MAC of VPP's uplink interface (for a peer that needs it, e.g. an engine node's gateway MAC). */
    dev.booster.api.net.MacAddress uplinkMac() {
        return uplinkMac;
    }

    // ------------------------------------------------------------------------------------------ internals

    /** What VPP cannot do here, or what contradicts the uplink or another tunnel: refused before VPP is asked. */
    private void check(TunnelSpec spec) {
        if (spec.keyExchange() == KeyExchange.IKEV2_PSK && spec.protection() != Protection.NONE) {
            throw new UnsupportedOperationException("tunnel to " + spec.remoteNode() + ": key exchange ikev2-psk on"
                    + " the vpp provider is not mapped yet (VPP's ikev2 plugin mapping is a follow-up); use static"
                    + " keys, or the engine's dataplanes for IKEv2");
        }
        if (spec.protection() == Protection.WIREGUARD) {
            throw new UnsupportedOperationException("tunnel to " + spec.remoteNode() + ": wireguard on the vpp"
                    + " provider is not mapped yet (VPP's wireguard plugin mapping is a follow-up)");
        }
        if (spec.encapsulation() == Encapsulation.VXLAN) {
            if (spec.protection() != Protection.NONE) {
                throw new InvalidSpecException("encapsulation", "vxlan cannot be combined with protection "
                        + spec.protection() + "; use ipip or none: with ESP the packet travels in ESP tunnel mode,"
                        + " which is IP in IP itself");
            }
            throw new UnsupportedOperationException("tunnel to " + spec.remoteNode() + ": vxlan on the vpp provider"
                    + " is not mapped: VPP v26.06 has VXLAN in its vxlan plugin (vxlan_add_del_tunnel_v3), which Booster"
                    + " does not generate, and VPP's VXLAN is an L2 tunnel whose inner Ethernet addresses must be agreed"
                    + " with the engine's; use ipip");
        }
        VppUplink link = uplink.orElseThrow(() -> new InvalidSpecException("options." + VppOptions.UPLINK,
                "is required for tunnels: the host interface VPP reaches other nodes through, e.g. "
                        + VppOptions.UPLINK + "=eth1 with " + VppOptions.UPLINK_ADDRESS + "=192.0.2.2/24"));
        if (!link.owns(spec.localAddress())) {
            throw new InvalidSpecException("localAddress", spec.localAddress() + " is not an address of the uplink "
                    + link.hostInterface() + " (" + VppOptions.UPLINK_ADDRESS + "=" + link.addresses() + "); tunnels"
                    + " leave VPP from one of them");
        }
        for (int i = 0; i < spec.remotePodCidrs().size(); i++) {
            IpPrefix cidr = spec.remotePodCidrs().get(i);
            for (Installed other : byNode.values()) {
                if (!other.spec.remoteNode().equals(spec.remoteNode()) && other.spec.remotePodCidrs().contains(cidr)) {
                    throw new InvalidSpecException("remotePodCidrs[" + i + "]", cidr + " is already node "
                            + other.spec.remoteNode() + "'s pod CIDR; a pod CIDR belongs to one node");
                }
            }
        }
    }

    private static void checkMessages(VppSession session) {
        List<String> missing = new ArrayList<>();
        for (var type : VppInterfaces.TUNNEL_MESSAGES) {
            if (!session.client.supports(type)) {
                missing.add(new MessageMismatch(type.name(), type.crc(),
                        session.client.messageTable().crcOf(type.name())).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new UnsupportedOperationException("tunnels on VPP need its ipip and ipsec messages as Booster knows"
                    + " them, which this VPP lacks or has in another version: " + String.join("; ", missing));
        }
    }

    private void program(VppSession session, Installed t) {
        VppInterfaces vpp = session.interfaces;
        TunnelSpec spec = t.spec;
        int uplinkIndex = uplink(vpp);
        boolean esp = spec.protection() != Protection.NONE;
        if (!esp && spec.encapsulation() == Encapsulation.NONE) {
            for (IpPrefix cidr : spec.remotePodCidrs()) {
                vpp.addRoute(cidr, spec.remoteAddress(), uplinkIndex);
                t.undo.push(() -> vpp.removeRoute(cidr, spec.remoteAddress(), uplinkIndex));
            }
            return;
        }
        int tunnel = vpp.createIpip(spec.localAddress(), spec.remoteAddress());
        t.undo.push(() -> vpp.deleteIpip(tunnel));
        if (esp) {
            // Protected before it is up and routed: not one packet leaves in the clear.
            long saOut = nextSadId++;
            vpp.addSa(saOut, StaticEspKeys.outbound(spec), false);
            t.undo.push(() -> vpp.deleteSa(saOut));
            long saIn = nextSadId++;
            vpp.addSa(saIn, StaticEspKeys.inbound(spec), true);
            t.undo.push(() -> vpp.deleteSa(saIn));
            vpp.protectTunnel(tunnel, spec.localAddress(), saOut, saIn);
            t.undo.push(() -> vpp.unprotectTunnel(tunnel, spec.localAddress()));
        }
        vpp.setUnnumbered(tunnel, uplinkIndex);
        if (spec.remotePodCidrs().stream().anyMatch(c -> c.address() instanceof Ip6Address)) {
            // IPv6 pods through the tunnel: VPP routes IPv6 only on an interface where it is enabled.
            vpp.enableIp6Only(tunnel);
        }
        vpp.setAdminUp(tunnel, true);
        for (IpPrefix cidr : spec.remotePodCidrs()) {
            vpp.addInterfaceRoute(cidr, tunnel);
            t.undo.push(() -> vpp.removeInterfaceRoute(cidr, tunnel));
        }
    }

    /** The uplink's af_packet interface, made (up, with its addresses) on first use in a session. */
    private int uplink(VppInterfaces vpp) {
        if (uplinkSwIfIndex >= 0) return uplinkSwIfIndex;
        VppUplink link = uplink.orElseThrow();
        int index = vpp.createAfPacket(link.hostInterface(), uplinkMac);
        uplinkUndo.push(() -> {
            vpp.deleteAfPacket(link.hostInterface());
            uplinkSwIfIndex = -1;
        });
        for (var address : link.addresses()) vpp.addAddress(index, address);
        vpp.setAdminUp(index, true);
        uplinkSwIfIndex = index;
        return index;
    }

    /** Runs and drops every undo step, last first; a step that fails does not stop the others, and is thrown after. */
    private static void undo(ArrayDeque<Runnable> steps) {
        RuntimeException first = null;
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
