package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

class IcmpErrorTest {
    private TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding());
        assertTrue(net.engine.totals().balanced(), net.engine.totals().toString());
        net.close();
    }

    @Test
    void noRouteSendsDestinationUnreachableBackToTheSender() {
        byte[] sent = fromA("10.99.0.1").udp(40000, 53, 12).build();
        net.send(net.a, sent);
        assertEquals(1, net.engine.drops(DropReason.NO_ROUTE));
        List<byte[]> out = net.a.drain();
        assertEquals(1, out.size());
        byte[] e = out.getFirst();
        assertEquals(MAC_A, mac(e, 0));
        assertEquals(GW, mac(e, 6));
        assertEquals(0x0800, u16(e, 12));
        assertEquals(1, u8(e, 23), "ICMP");
        assertEquals(IpAddress.parse("169.254.1.1"), ip4(e, 26));
        assertEquals(IpAddress.parse("10.0.0.1"), ip4(e, 30));
        assertTrue(Checksums.ip4HeaderValid(e, 14));
        assertEquals(3, u8(e, 34), "destination unreachable");
        assertEquals(0, u8(e, 35), "net unreachable");
        assertTrue(Checksums.icmp4Valid(e));
        assertArrayEquals(Arrays.copyOfRange(sent, 14, sent.length), Arrays.copyOfRange(e, 42, e.length), "quotes the whole original datagram");
        assertEquals(64, u8(e, 22), "locally made: TTL not decremented");
    }

    @Test
    void ttlOneSendsTimeExceeded() {
        net.send(net.a, fromA("10.0.0.2").ttl(1).tcp(1, 2, 0x02).build());
        assertEquals(1, net.engine.drops(DropReason.TTL_EXPIRED));
        assertTrue(net.b.drain().isEmpty());
        byte[] e = net.a.drain().getFirst();
        assertEquals(11, u8(e, 34));
        assertEquals(0, u8(e, 35));
        assertTrue(Checksums.icmp4Valid(e));
    }

    @Test
    void ip6NoRouteAndHopLimitGetIcmp6TypesOneAndThree() {
        net.send(net.a, fromA("fd99::1").udp(1, 2, 4).build(), fromA("fd00::2").ttl(1).udp(1, 2, 4).build());
        List<byte[]> out = new java.util.ArrayList<>(net.a.drain());
        assertEquals(2, out.size());
        out.sort(java.util.Comparator.comparingInt(e -> u8(e, 54)));
        assertEquals(1, u8(out.get(0), 54), "destination unreachable");
        assertEquals(0, u8(out.get(0), 55), "no route to destination");
        assertEquals(3, u8(out.get(1), 54), "time exceeded");
        for (byte[] e : out) {
            assertEquals(IpAddress.parse("fe80::1"), ip6(e, 22));
            assertEquals(IpAddress.parse("fd00::1"), ip6(e, 38));
            assertEquals(MAC_A, mac(e, 0));
            assertTrue(Checksums.ip6UpperValid(e));
        }
    }

    @Test
    void largePacketsAreQuotedOnlyUpTo576Bytes() {
        net.send(net.a, fromA("10.99.0.1").udp(1, 2, 1000).build());
        byte[] e = net.a.drain().getFirst();
        assertEquals(576, u16(e, 16), "total length");
        assertEquals(14 + 576, e.length);
        assertTrue(Checksums.icmp4Valid(e));
    }

    @Test
    void neverAnswersAnIcmpErrorOrABroadcast() {
        byte[] error = fromA("10.99.0.1").icmp(3, 1, 0, 28).build();
        byte[] broadcastFrame = fromA("10.99.0.1").to(dev.booster.api.net.MacAddress.BROADCAST).udp(1, 2, 0).build();
        net.send(net.a, error, broadcastFrame);
        assertTrue(net.a.drain().isEmpty());
        assertEquals(1, net.engine.drops(DropReason.NO_ROUTE));
        assertEquals(1, net.engine.drops(DropReason.NOT_FOR_US), "a router does not forward what was broadcast");
        assertEquals(0, net.engine.totals().generated());
    }

    @Test
    void answersEchoRequestsThatHaveNoRoute() {
        net.send(net.a, fromA("10.99.0.1").icmp(8, 0, 7, 8).build());
        assertEquals(1, net.a.drain().size());
    }

    @Test
    void errorsAreRateLimited() {
        net.close();
        net = new TestNet(dev.booster.engine.EngineConfig.builder().conntrackCapacity(64).icmpErrors(10, 5));
        byte[] f = fromA("10.99.0.1").udp(1, 2, 0).build();
        byte[][] many = new byte[50][];
        Arrays.fill(many, f);
        net.send(net.a, many);
        assertEquals(5, net.a.drain().size(), "the burst");
        assertEquals(50, net.engine.drops(DropReason.NO_ROUTE));
        net.clock.advance(1_000_000_000L);
        net.send(net.a, many);
        assertEquals(5, net.a.drain().size(), "10/s refill, capped at the burst");
    }

    @Test
    void noErrorWhenTheRouteBackIsMissingEither() {
        net.send(net.uplink, FrameBuilder.ip("172.16.0.1", "10.99.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(1, 2, 0).build());
        assertEquals(2, net.engine.drops(DropReason.NO_ROUTE), "the packet and its unreachable error, which has no route back");
        assertEquals(1, net.engine.totals().generated());
    }
}
