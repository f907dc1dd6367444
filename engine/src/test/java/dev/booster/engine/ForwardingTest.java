package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

class ForwardingTest {
    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding(), "every buffer is back with its owner");
        assertTrue(net.buffers.canariesIntact(), "nothing was written outside a buffer");
        net.close();
    }

    @Test
    void ip4FromPodToPodRewritesMacsDecrementsTtlAndKeepsTheChecksumValid() {
        byte[] sent = fromA("10.0.0.2").ttl(64).udp(40000, 53, 20).build();
        net.send(net.a, sent);

        List<byte[]> out = net.b.drain();
        assertEquals(1, out.size());
        byte[] f = out.getFirst();
        assertEquals(MAC_B, mac(f, 0), "destination MAC is pod B's");
        assertEquals(GW, mac(f, 6), "source MAC is the gateway's");
        assertEquals(63, u8(f, 22), "TTL decremented");
        assertTrue(Checksums.ip4HeaderValid(f, 14), "header checksum patched incrementally");
        assertEquals(IpAddress.parse("10.0.0.1"), ip4(f, 26));
        assertEquals(IpAddress.parse("10.0.0.2"), ip4(f, 30));
        assertArrayEquals(java.util.Arrays.copyOfRange(sent, 34, sent.length), java.util.Arrays.copyOfRange(f, 34, f.length), "payload untouched");
        assertTrue(net.a.drain().isEmpty());
    }

    @Test
    void incrementalChecksumMatchesAFullRecomputationForManyTtls() {
        for (int ttl = 2; ttl <= 255; ttl += 7) {
            net.send(net.a, fromA("10.0.0.2").ttl(ttl).tcp(1000 + ttl, 80, 0x02).build());
            byte[] f = net.b.drain().getFirst();
            assertEquals(ttl - 1, u8(f, 22));
            byte[] recomputed = f.clone();
            Checksums.fixIp4Header(recomputed, 14);
            assertEquals(u16(recomputed, 24), u16(f, 24), "ttl " + ttl);
        }
    }

    @Test
    void ip6FromPodToPodDecrementsHopLimit() {
        net.send(net.a, fromA("fd00::2").ttl(10).udp(5000, 5001, 8).build());
        byte[] f = net.b.drain().getFirst();
        assertEquals(MAC_B, mac(f, 0));
        assertEquals(9, u8(f, 21));
        assertEquals(IpAddress.parse("fd00::2"), ip6(f, 38));
    }

    @Test
    void routesToTheUplinkUseTheNextHopMacAndTheUplinkMac() {
        net.send(net.a, fromA("192.168.7.7").tcp(1234, 443, 0x02).build(), fromA("2001:db8::7").tcp(1234, 443, 0x02).build());
        List<byte[]> out = net.uplink.drain();
        assertEquals(2, out.size());
        for (byte[] f : out) {
            assertEquals(NEXT_HOP, mac(f, 0));
            assertEquals(UPLINK_MAC, mac(f, 6));
        }
    }

    @Test
    void trafficFromTheUplinkReachesThePod() {
        net.send(net.uplink, FrameBuilder.ip("192.168.1.1", "10.0.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(1, 2, 0).build());
        assertEquals(1, net.a.drain().size());
    }

    @Test
    void aPodWithoutAKnownMacIsReachedOnceItsArpTaughtUs() {
        TestPort c = new TestPort("c", net.buffers);
        MacAddress macC = MacAddress.parse("02:00:00:00:00:0c");
        int ifC = net.engine.addInterface(new InterfaceConfig.Pod("pod-c", "uid-c", c, List.of(IpAddress.parse("10.0.0.3")), 2, Optional.empty(), GW));

        net.send(net.a, fromA("10.0.0.3").udp(1, 2, 0).build());
        assertEquals(1, net.engine.drops(DropReason.NO_NEIGHBOUR));
        assertTrue(c.drain().isEmpty());

        net.send(c, FrameBuilder.arpRequest(macC, "10.0.0.3", "169.254.1.1"));
        assertEquals(Optional.of(macC), net.engine.learnedNeighbour(ifC));
        assertEquals(1, c.drain().size(), "the ARP reply");
        net.send(net.a, fromA("10.0.0.3").udp(1, 2, 0).build());
        assertEquals(macC, mac(c.drain().getFirst(), 0));
    }

    @Test
    void aRemovedInterfaceIsNoLongerRoutedTo() {
        net.engine.removeInterface(net.ifB);
        net.send(net.a, fromA("10.0.0.2").udp(1, 2, 0).build());
        assertTrue(net.b.drain().isEmpty());
        assertEquals(1, net.engine.drops(DropReason.NO_ROUTE));
    }

    @Test
    void dropRoutesDiscardWithoutIcmp() {
        net.engine.addDropRoute(dev.booster.api.net.IpPrefix.parse("192.168.66.0/24"));
        net.send(net.a, fromA("192.168.66.1").udp(1, 2, 0).build());
        assertEquals(1, net.engine.drops(DropReason.DROP_ROUTE));
        assertTrue(net.a.drain().isEmpty());
        assertTrue(net.uplink.drain().isEmpty());
    }

    @Test
    void aFullTxRingDropsTheRestAsTxFull() {
        net.b.txLimit(1);
        FrameBuilder f = fromA("10.0.0.2").udp(1, 2, 0);
        net.send(net.a, f.build(), f.build(), f.build());
        assertEquals(1, net.b.drain().size());
        assertEquals(2, net.engine.drops(DropReason.TX_FULL));
    }

    @Test
    void countersAddUp() {
        net.send(net.a, fromA("10.0.0.2").udp(1, 2, 0).build(), fromA("10.9.9.9").udp(1, 2, 0).build(),
                fromA("10.0.0.2").ttl(1).udp(1, 2, 0).build());
        net.send(net.b, fromB("10.0.0.1").udp(2, 1, 0).build(), new byte[5]);
        Engine.Totals t = net.engine.totals();
        assertEquals(5, t.rxPackets());
        assertEquals(2, t.generated(), "an unreachable and a time exceeded");
        assertEquals(4, t.txPackets());
        assertEquals(3, t.drops());
        assertTrue(t.balanced(), t.toString());
        var a = net.engine.interfaceCounters(net.ifA);
        assertEquals(3, a.rxPackets());
        assertEquals(3, a.txPackets(), "one forwarded from B, two ICMP errors");
        assertEquals(2, a.drops());
        assertEquals("uid-a", a.podUid());
    }

    @Test
    void aPodCannotSendFromAnAddressThatIsNotItsOwn() {
        net.send(net.a, FrameBuilder.ip("10.0.0.2", "10.0.0.2").from(MAC_A).to(GW).udp(1, 2, 0).build(),
                FrameBuilder.ip("192.168.1.1", "10.0.0.2").from(MAC_A).to(GW).udp(1, 2, 0).build());
        assertEquals(2, net.engine.drops(DropReason.SPOOFED_SOURCE));
        assertTrue(net.b.drain().isEmpty());
    }
}
