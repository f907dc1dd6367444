package dev.booster.engine.dataplane;

import dev.booster.api.Secret;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.engine.DropReason;
import dev.booster.engine.testing.TestPort;
import dev.booster.ike.IkeSettings;
import dev.booster.ike.TunnelKeying;
import dev.booster.ipsec.EspSaSink;
import dev.booster.ipsec.SecurityAssociation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tunnels with {@code keyExchange ikev2-psk} between two engine nodes ({@link TunnelNode}): their IKE daemons talk over
 * the kernel's loopback (the local tunnel addresses are 127.x.y.1 and 127.x.y.2, unique per test run; UDP 500 needs
 * root), their ESP over the test's wire between the uplinks. Shows the SAs IKE installs carrying traffic both ways,
 * a Child SA rekey, and that a wrong PSK or no common proposal is an event and leaves no SA.
 */
@Tag("privileged")
class IkeTunnelsTest {
    static final long PID = ProcessHandle.current().pid();
    static final String NET = "127." + (PID >> 8 & 0xff) + "." + (PID & 0xff) + ".";
    static final String A = NET + "1";
    static final String B = NET + "2";

    final TunnelNode a = new TunnelNode(TunnelsTest.A_UPLINK, TunnelsTest.B_UPLINK, 1500);
    final TunnelNode b = new TunnelNode(TunnelsTest.B_UPLINK, TunnelsTest.A_UPLINK, 1500);
    final TestPort a1 = a.attach("a1", "10.1.0.10");
    final TestPort b1 = b.attach("b1", "10.2.0.10");
    final List<DataplaneEvent> eventsA = new CopyOnWriteArrayList<>();
    final List<DataplaneEvent> eventsB = new CopyOnWriteArrayList<>();

    IkeTunnelsTest() {
        a.dataplane.subscribe(eventsA::add);
        b.dataplane.subscribe(eventsB::add);
    }

    @AfterEach
    void close() throws Exception {
        for (TunnelNode n : List.of(a, b)) n.close();
        // Nothing left: no IKE thread and both addresses' port 500 free again.
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("ike-500") || n.equals("booster-ike-retry")).toList());
        for (String address : List.of(A, B)) {
            try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)) {
                c.bind(new InetSocketAddress(InetAddress.getByName(address), 500));
            }
        }
    }

    static TunnelSpec spec(String remote, String local, String remoteAddress, String cidr, Protection protection, String psk) {
        return new TunnelSpec(remote, IpAddress.parse(local), IpAddress.parse(remoteAddress), List.of(IpPrefix.parse(cidr)),
                Encapsulation.IPIP, 0, protection, KeyExchange.IKEV2_PSK, Optional.of(Secret.ofString(psk)));
    }

    void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "binding UDP 500 needs root");
    }

    @Test
    void ikeKeysTheTunnelBothWaysAndRekeysWithoutLoss() throws Exception {
        assumeRoot();
        // B (the higher address) answers; it is put first, so A's first IKE_SA_INIT finds it.
        b.dataplane.tunnels().put(spec("a", B, A, "10.1.0.0/24", Protection.IPSEC_ESP_AES_GCM_128, "shared-secret-1"));
        b1.inject(fromB1());
        b.run();
        assertTrue(b.uplink.drain().isEmpty(), "no SA yet: nothing leaves");
        assertEquals(1, b.engine.drops(DropReason.ESP_NO_SA));

        a.dataplane.tunnels().put(spec("b", A, B, "10.2.0.0/24", Protection.IPSEC_ESP_AES_GCM_128, "shared-secret-1"));
        await(() -> eventsA.stream().anyMatch(e -> e instanceof DataplaneEvent.TunnelKeyed k && k.remoteNode().equals("b")), "A keyed");
        await(() -> eventsB.stream().anyMatch(e -> e instanceof DataplaneEvent.TunnelKeyed k && k.remoteNode().equals("a")), "B keyed");
        TunnelKeying keyingA = a.dataplane.tunnelKeying("b").orElseThrow();
        TunnelKeying keyingB = b.dataplane.tunnelKeying("a").orElseThrow();
        await(() -> !keyingA.inboundSpis().isEmpty() && !keyingB.inboundSpis().isEmpty(), "both sinks hold their SAs");

        int spiAtoB = espSpi(aToB());
        assertEquals(Set.of(spiAtoB), keyingB.inboundSpis(), "A sends with B's inbound SPI");
        int spiBtoA = espSpi(bToA());
        assertEquals(Set.of(spiBtoA), keyingA.inboundSpis());

        byte[] inFlight = send(a, a1, TunnelsTest.fromA1("10.2.0.10", 8)); // sealed with the old SA, arriving after its delete
        keyingA.rekey().get(10, TimeUnit.SECONDS);
        await(() -> keyingB.inboundSpis().size() == 1 && !keyingB.inboundSpis().contains(spiAtoB), "B's old inbound SA deleted");
        int newSpi = espSpi(aToB());
        assertNotEquals(spiAtoB, newSpi, "A sends with the new SA");
        assertNotEquals(spiBtoA, espSpi(bToA()), "and so does B");
        b.uplink.inject(inFlight);
        b.run();
        assertTrue(b1.drain().isEmpty(), "after the delete the old SA takes nothing");
        assertEquals(1, b.engine.drops(DropReason.ESP_BAD_SPI));
        assertTrue(eventsA.stream().noneMatch(e -> e instanceof DataplaneEvent.TunnelKeyingFailed), eventsA.toString());

        assertTrue(a.dataplane.tunnels().remove("b"));
        await(() -> keyingB.inboundSpis().isEmpty(), "A's Delete reached B: its inbound SA is gone");
    }

    @Test
    void aWrongPskIsAnEventAndInstallsNothing() throws Exception {
        assumeRoot();
        b.dataplane.tunnels().put(spec("a", B, A, "10.1.0.0/24", Protection.IPSEC_ESP_AES_GCM_128, "the right one"));
        a.dataplane.tunnels().put(spec("b", A, B, "10.2.0.0/24", Protection.IPSEC_ESP_AES_GCM_128, "a wrong one"));
        DataplaneEvent.TunnelKeyingFailed failed = awaitFailure(eventsA, "b");
        assertTrue(failed.reason().contains("AUTHENTICATION_FAILED"), failed.reason());
        assertFalse(failed.toString().contains("wrong one") || failed.toString().contains("right one"), "the PSK never shows");
        assertNoSa();
    }

    @Test
    void noCommonProposalIsAnEventAndInstallsNothing() throws Exception {
        assumeRoot();
        b.dataplane.tunnels().put(spec("a", B, A, "10.1.0.0/24", Protection.IPSEC_ESP_AES_GCM_256, "psk"));
        a.dataplane.tunnels().put(spec("b", A, B, "10.2.0.0/24", Protection.IPSEC_ESP_AES_GCM_128, "psk"));
        DataplaneEvent.TunnelKeyingFailed failed = awaitFailure(eventsA, "b");
        assertTrue(failed.reason().contains("NO_PROPOSAL_CHOSEN"), failed.reason());
        assertNoSa();
    }

    @Test
    void aDeadPeerIsAnEventAndTheInitiatorTriesAgain() throws Exception {
        assumeRoot();
        List<DataplaneEvent> events = new CopyOnWriteArrayList<>();
        TunnelUplink uplink = new TunnelUplink() {
            @Override
            public int engineIndex() {
                return 0;
            }

            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void acceptTunnelTraffic(Set<IpAddress> localAddresses) {
            }
        };
        List<String> sinkCalls = new CopyOnWriteArrayList<>();
        EspSaSink sink = new EspSaSink() {
            @Override
            public void addInbound(SecurityAssociation sa) {
                sinkCalls.add("add");
            }

            @Override
            public void setOutbound(SecurityAssociation sa) {
                sinkCalls.add("set");
            }

            @Override
            public void removeInbound(int spi) {
                sinkCalls.add("remove");
            }
        };
        // Nobody listens on .3: two quick retransmissions, then the peer is unreachable.
        IkeSettings quick = new IkeSettings(Duration.ofMillis(100), 1.0, 2, Duration.ofSeconds(5));
        try (EventBus bus = new EventBus("dead-peer-test"); TunnelIke ike = new TunnelIke(uplink, bus, quick)) {
            bus.subscribe(events::add);
            ike.key(spec("dead", A, NET + "3", "10.3.0.0/24", Protection.IPSEC_ESP_AES_GCM_256, "psk"), sink);
            DataplaneEvent.TunnelKeyingFailed failed = awaitFailure(events, "dead");
            assertTrue(failed.reason().contains("PEER_UNREACHABLE"), failed.reason());
            // The retry after TunnelIke.FIRST_RETRY fails the same way.
            await(() -> events.stream().filter(e -> e instanceof DataplaneEvent.TunnelKeyingFailed).count() >= 2, "a second attempt", Duration.ofSeconds(15));
        }
        assertEquals(List.of(), sinkCalls, "no SA ever reached the sink");
    }

    private void assertNoSa() {
        assertEquals(Set.of(), a.dataplane.tunnelKeying("b").orElseThrow().inboundSpis());
        assertEquals(Set.of(), b.dataplane.tunnelKeying("a").orElseThrow().inboundSpis());
        a1.inject(TunnelsTest.fromA1("10.2.0.10", 8));
        a.run();
        assertTrue(a.uplink.drain().isEmpty());
        assertEquals(1, a.engine.drops(DropReason.ESP_NO_SA));
    }

    private static DataplaneEvent.TunnelKeyingFailed awaitFailure(List<DataplaneEvent> events, String node) throws InterruptedException {
        await(() -> events.stream().anyMatch(e -> e instanceof DataplaneEvent.TunnelKeyingFailed f && f.remoteNode().equals(node)), "a failure event");
        return events.stream().filter(e -> e instanceof DataplaneEvent.TunnelKeyingFailed).map(DataplaneEvent.TunnelKeyingFailed.class::cast)
                .findFirst().orElseThrow();
    }

    /** A1 to b1 across the wire; asserts delivery and returns the ESP packet. */
    private byte[] aToB() {
        byte[] sent = TunnelsTest.fromA1("10.2.0.10", 20);
        byte[] out = send(a, a1, sent);
        b.uplink.inject(out);
        b.run();
        assertEquals(1, b1.drain().size(), () -> "b1 got it; B's drops " + b.dataplane.stats().drops());
        return out;
    }

    private byte[] bToA() {
        byte[] out = send(b, b1, fromB1());
        a.uplink.inject(out);
        a.run();
        assertEquals(1, a1.drain().size(), () -> "a1 got it; A's drops " + a.dataplane.stats().drops());
        return out;
    }

    private static byte[] send(TunnelNode node, TestPort pod, byte[] frame) {
        pod.inject(frame);
        node.run();
        List<byte[]> out = node.uplink.drain();
        assertEquals(1, out.size(), () -> "one ESP packet out; drops " + node.dataplane.stats().drops());
        assertEquals(50, out.getFirst()[23] & 0xff, "ESP");
        return out.getFirst();
    }

    private static byte[] fromB1() {
        return dev.booster.engine.frame.FrameBuilder.ip("10.2.0.10", "10.1.0.10").from(TunnelNode.podMac("b1"))
                .to(dev.booster.engine.testing.TestNet.GW).fragment(0x4000).udp(7777, 40000, 20).build();
    }

    private static int espSpi(byte[] frame) {
        return ByteBuffer.wrap(frame, 34, 4).getInt();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, Duration.ofSeconds(15));
    }

    private static void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }
}
