package dev.booster.ike;

import dev.booster.api.net.IpAddress;
import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspSaSink;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.TunnelEndpoints;
import dev.booster.ipsec.UdpEncapsulation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Turns one peer's Child SA calls into {@link EspSaSink} calls, keeping make-before-break:
 * <ul>
 *   <li>{@link #installed} → {@code addInbound(in)}, then {@code setOutbound(out)};</li>
 *   <li>{@link #inboundAdded} → {@code addInbound(newIn)};</li>
 *   <li>{@link #outboundSwitched} → {@code setOutbound(newOut)};</li>
 *   <li>{@link #deleted} → {@code removeInbound(in.spi)} (an outbound SA has nothing to remove: the next
 *       {@code setOutbound} replaces it).</li>
 * </ul>
 * The inbound SA carries our SPI (the peer puts it in the packets it sends us), the outbound SA the peer's. ESN and
 * UDP encapsulation (NAT-T, or a peer like strongSwan's kernel-libipsec that forces it) are what IKE negotiated.
 *
 * <p>Calls to the sink are serialised by this binding and stop after {@link #close()}, which also removes every
 * inbound SA the sink still holds, so a closed tunnel keeps no key. Only the first Child SA of a peer is meant
 * to be carried: a second one's {@code installed} would replace the outbound SA.
 */
public final class EspSaBinding implements ChildSaListener, AutoCloseable {
    private final String peer;
    private final EspSaSink sink;
    private final Set<Integer> inbound = new LinkedHashSet<>();
    private boolean closed;

    public EspSaBinding(String peer, EspSaSink sink) {
        if (peer == null || peer.isBlank()) throw new IllegalArgumentException("EspSaBinding.peer must name the PeerConfig");
        if (sink == null) throw new IllegalArgumentException("EspSaBinding.sink must be set (the tunnel's EspSaSink)");
        this.peer = peer;
        this.sink = sink;
    }

    public String peer() {
        return peer;
    }

    @Override
    public synchronized void installed(ChildSa in, ChildSa out) {
        if (closed) return;
        SecurityAssociation inSa = securityAssociation(in);
        SecurityAssociation outSa = securityAssociation(out);
        sink.addInbound(inSa);
        inbound.add(in.spi());
        sink.setOutbound(outSa);
    }

    @Override
    public synchronized void inboundAdded(ChildSa newIn) {
        if (closed) return;
        sink.addInbound(securityAssociation(newIn));
        inbound.add(newIn.spi());
    }

    @Override
    public synchronized void outboundSwitched(ChildSa oldOut, ChildSa newOut) {
        if (closed) return;
        sink.setOutbound(securityAssociation(newOut));
    }

    @Override
    public synchronized void deleted(ChildSa in, ChildSa out) {
        if (closed) return;
        if (inbound.remove(in.spi())) sink.removeInbound(in.spi());
    }

    /** Removes what the sink still holds and ignores every later call. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (int spi : inbound) sink.removeInbound(spi);
        inbound.clear();
    }

    /** The SPIs of the inbound SAs handed to the sink and not removed yet. */
    public synchronized Set<Integer> inboundSpis() {
        return Set.copyOf(inbound);
    }

    /**
     * The dataplane's ESP SA for one direction of a Child SA, with the default replay window. The key copies made on
     * the way are cleared.
     *
     * @throws IllegalArgumentException the Child SA uses an algorithm the ESP dataplane does not implement
     */
    public static SecurityAssociation securityAssociation(ChildSa sa) {
        if (!ChildSa.AES_GCM_16.equals(sa.algorithm())) {
            throw new IllegalArgumentException("Child SA " + sa.spiHex() + " of peer " + sa.peer() + " uses " + sa.algorithm()
                    + "; the ESP dataplane implements only " + ChildSa.AES_GCM_16 + " (propose EspProposal.AES_GCM_16_*)");
        }
        EspAlgorithm algorithm = switch (sa.keyBits()) {
            case 128 -> EspAlgorithm.AES_GCM_16_128;
            case 256 -> EspAlgorithm.AES_GCM_16_256;
            default -> throw new IllegalArgumentException("Child SA " + sa.spiHex() + " of peer " + sa.peer() + " has a "
                    + sa.keyBits() + "-bit key; AES-GCM-16 takes 128 or 256");
        };
        TunnelEndpoints tunnel = new TunnelEndpoints(inet(sa.source()), inet(sa.destination()));
        if (sa.udpEncapsulation().isPresent()) {
            ChildSa.UdpEncapsulation ports = sa.udpEncapsulation().get();
            tunnel = tunnel.withUdpEncapsulation(new UdpEncapsulation(ports.sourcePort(), ports.destinationPort()));
        }
        byte[] key = sa.key();
        byte[] salt = sa.salt();
        try {
            return new SecurityAssociation(sa.spi(), algorithm, key, salt, sa.esn(), SecurityAssociation.DEFAULT_REPLAY_WINDOW, tunnel);
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByAddress(address.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address + " is not an IP address", e);
        }
    }
}
