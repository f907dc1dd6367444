package dev.booster.afxdp.provider;

import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.api.DataplaneException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Learns the uplink's next-hop MAC when {@code afxdp.uplink.gatewayMac} is not given: the gateway of the default route
 * out of the uplink (IPv4 first, then IPv6), looked up in the kernel's neighbour table. An unresolved gateway is sent
 * one UDP datagram (discard port) so that the kernel asks for it with ARP or ND, whose answer the uplink's XDP program
 * passes to the kernel; the table is then read again for a while.
 *
 * <p>Read once, at open: a gateway whose MAC changes later (a failover) needs the dataplane reopened, or the option.
 */
final class UplinkGateway {
    static final Duration RESOLVE_PATIENCE = Duration.ofSeconds(3);
    private static final long POLL_NANOS = 50_000_000;
    private static final int DISCARD_PORT = 9;

    private final LinkManager links;
    private final Prober prober;
    private final Duration patience;

    /** Sends something to {@code gateway} out of {@code uplink} so the kernel resolves its MAC. */
    interface Prober {
        void probe(String uplink, IpAddress gateway);
    }

    UplinkGateway(LinkManager links) {
        this(links, UplinkGateway::sendDiscardDatagram, RESOLVE_PATIENCE);
    }

    UplinkGateway(LinkManager links, Prober prober, Duration patience) {
        this.links = links;
        this.prober = prober;
        this.patience = patience;
    }

    /**
     * The MAC of {@code uplink}'s default gateway.
     *
     * @throws DataplaneException no default route leaves through the uplink, or its gateway's MAC could not be learnt;
     *                            the message says what was looked at and names the option that avoids it
     */
    MacAddress learn(String uplink) {
        List<IpAddress> gateways = new ArrayList<>();
        for (IpFamily family : IpFamily.values()) links.defaultGateway(Namespace.host(), uplink, family).ifPresent(gateways::add);
        if (gateways.isEmpty()) {
            throw new DataplaneException("uplink " + uplink + ": no default route leaves through it (`ip route show default dev " + uplink
                    + "` and `ip -6 route show default dev " + uplink + "` are empty), so its gateway's MAC cannot be learnt; set option "
                    + UplinkOptions.GATEWAY_MAC + " to the next hop's MAC");
        }
        for (IpAddress gateway : gateways) {
            Optional<MacAddress> known = links.neighbour(Namespace.host(), uplink, gateway);
            if (known.isPresent()) return known.get();
        }
        for (IpAddress gateway : gateways) prober.probe(uplink, gateway);
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
            for (IpAddress gateway : gateways) {
                Optional<MacAddress> learnt = links.neighbour(Namespace.host(), uplink, gateway);
                if (learnt.isPresent()) return learnt.get();
            }
        }
        throw new DataplaneException("uplink " + uplink + ": the kernel's neighbour table has no MAC for its default gateway "
                + gateways + " (`ip neigh show dev " + uplink + "`), and the gateway did not answer ARP/ND within " + patience.toSeconds()
                + " s; check that it is up, or set option " + UplinkOptions.GATEWAY_MAC + " to the next hop's MAC");
    }

    /** A datagram to the gateway's discard port: the kernel has to resolve the gateway's MAC to send it. */
    static void sendDiscardDatagram(String uplink, IpAddress gateway) {
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress to = InetAddress.getByName(gateway.toString());
            if (to instanceof Inet6Address six && to.isLinkLocalAddress()) {
                NetworkInterface scope = NetworkInterface.getByName(uplink);
                if (scope != null) to = Inet6Address.getByAddress(null, six.getAddress(), scope);
            }
            socket.send(new DatagramPacket(new byte[0], 0, to, DISCARD_PORT));
        } catch (IOException | RuntimeException e) {
            // Nothing to do: the neighbour table is read either way, and its silence is what the caller reports.
        }
    }
}
