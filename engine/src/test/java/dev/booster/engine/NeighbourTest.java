package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/** ARP and IPv6 neighbour discovery for the pods' gateway. */
class NeighbourTest {
    private static final MacAddress POD = MacAddress.parse("02:00:00:00:00:0a");
    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding());
        assertTrue(net.engine.totals().balanced());
        net.close();
    }

    @Test
    void answersArpForTheGatewayInPlace() {
        net.send(net.a, FrameBuilder.arpRequest(POD, "10.0.0.1", "169.254.1.1"));
        List<byte[]> out = net.a.drain();
        assertEquals(1, out.size());
        byte[] r = out.getFirst();
        assertEquals(POD, mac(r, 0));
        assertEquals(GW, mac(r, 6));
        assertEquals(0x0806, u16(r, 12));
        assertEquals(2, u16(r, 20), "op reply");
        assertEquals(GW, mac(r, 22), "sender hardware address is the gateway MAC");
        assertEquals(IpAddress.parse("169.254.1.1"), ip4(r, 28));
        assertEquals(POD, mac(r, 32));
        assertEquals(IpAddress.parse("10.0.0.1"), ip4(r, 38));
        assertEquals(Optional.of(POD), net.engine.learnedNeighbour(net.ifA));
    }

    @Test
    void ignoresArpForOtherAddresses() {
        net.send(net.a, FrameBuilder.arpRequest(POD, "10.0.0.1", "10.0.0.2"));
        assertTrue(net.a.drain().isEmpty());
        assertEquals(1, net.engine.drops(DropReason.NOT_FOR_US));
    }

    @Test
    void answersOnlyOnPodInterfaces() {
        net.send(net.uplink, FrameBuilder.arpRequest(NEXT_HOP, "192.168.0.1", "169.254.1.1"),
                FrameBuilder.neighbourSolicitation(NEXT_HOP, "fe80::99", "fe80::1", true));
        assertTrue(net.uplink.drain().isEmpty());
        assertEquals(2, net.engine.drops(DropReason.NOT_FOR_US));
        assertEquals(Optional.empty(), net.engine.learnedNeighbour(net.ifUplink), "uplinks have many neighbours: none learned");
    }

    @Test
    void dropsMalformedArp() {
        byte[] arp = FrameBuilder.arpRequest(POD, "10.0.0.1", "169.254.1.1");
        byte[] wrongHardware = arp.clone();
        wrongHardware[15] = 6;
        net.send(net.a, wrongHardware, java.util.Arrays.copyOf(arp, 30));
        assertEquals(1, net.engine.drops(DropReason.BAD_HEADER));
        assertEquals(1, net.engine.drops(DropReason.TRUNCATED));
    }

    @Test
    void answersNeighbourSolicitationForTheGatewayWithAValidAdvertisement() {
        net.send(net.a, FrameBuilder.neighbourSolicitation(POD, "fe80::a", "fe80::1", true));
        List<byte[]> out = net.a.drain();
        assertEquals(1, out.size());
        byte[] na = out.getFirst();
        assertEquals(POD, mac(na, 0));
        assertEquals(GW, mac(na, 6));
        assertEquals(0x86dd, u16(na, 12));
        assertEquals(32, u16(na, 18), "payload length");
        assertEquals(58, u8(na, 20));
        assertEquals(255, u8(na, 21), "hop limit");
        assertEquals(IpAddress.parse("fe80::1"), ip6(na, 22));
        assertEquals(IpAddress.parse("fe80::a"), ip6(na, 38));
        assertEquals(136, u8(na, 54));
        assertEquals(0xE0, u8(na, 58), "router, solicited, override");
        assertEquals(IpAddress.parse("fe80::1"), ip6(na, 62));
        assertEquals(2, u8(na, 78), "target link-layer address option");
        assertEquals(GW, mac(na, 80));
        assertTrue(Checksums.ip6UpperValid(na), "ICMPv6 checksum");
        assertEquals(Optional.of(POD), net.engine.learnedNeighbour(net.ifA));
        assertEquals(78 + 8, na.length);
    }

    @Test
    void solicitationWithoutSourceOptionStillGetsAnAnswerWhenTheBufferHasRoom() {
        net.send(net.a, FrameBuilder.neighbourSolicitation(POD, "fe80::a", "fe80::1", false));
        byte[] na = net.a.drain().getFirst();
        assertTrue(Checksums.ip6UpperValid(na));
        assertEquals(Optional.empty(), net.engine.learnedNeighbour(net.ifA));
    }

    @Test
    void duplicateAddressDetectionIsAnsweredToAllNodes() {
        net.send(net.a, FrameBuilder.neighbourSolicitation(POD, "::", "fe80::1", false));
        byte[] na = net.a.drain().getFirst();
        assertEquals(MacAddress.parse("33:33:00:00:00:01"), mac(na, 0));
        assertEquals(IpAddress.parse("ff02::1"), ip6(na, 38));
        assertEquals(0xA0, u8(na, 58), "not solicited");
        assertTrue(Checksums.ip6UpperValid(na));
    }

    @Test
    void invalidSolicitationsAreDropped() {
        byte[] good = FrameBuilder.neighbourSolicitation(POD, "fe80::a", "fe80::1", true);
        byte[] badChecksum = good.clone();
        badChecksum[57] ^= 1;
        byte[] forwardedHopLimit = good.clone();
        forwardedHopLimit[21] = 64;
        byte[] zeroLengthOption = good.clone();
        zeroLengthOption[79] = 0;
        Checksums.fixIp6Upper(zeroLengthOption, 56);
        byte[] otherTarget = FrameBuilder.neighbourSolicitation(POD, "fe80::a", "fe80::2", true);
        net.send(net.a, badChecksum, forwardedHopLimit, zeroLengthOption, otherTarget);
        assertTrue(net.a.drain().isEmpty());
        assertEquals(1, net.engine.drops(DropReason.BAD_CHECKSUM));
        assertEquals(1, net.engine.drops(DropReason.NOT_FOR_US));
        assertEquals(2, net.engine.drops(DropReason.BAD_HEADER), "hop limit not 255, and a zero-length option");
    }
}
