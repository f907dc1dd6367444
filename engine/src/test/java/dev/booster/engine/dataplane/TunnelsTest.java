package dev.booster.engine.dataplane;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.engine.DropReason;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestPort;
import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspSaSink;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.TunnelEndpoints;
import dev.booster.ipsec.UdpEncapsulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Node-to-node tunnels through {@link EngineDataplane#tunnels()}: two nodes A and B whose uplinks are joined by the
 * test (what A's uplink sends is injected into B's), one pod each: a1 (10.1.0.10, fd01::10) and b1 (10.2.0.10,
 * fd02::10). Encapsulated bytes are checked field by field, inner packets byte for byte.
 */
class TunnelsTest {
    static final MacAddress A_UPLINK = MacAddress.parse("02:00:00:00:0a:01");
    static final MacAddress B_UPLINK = MacAddress.parse("02:00:00:00:0b:01");
    static final byte[] MARKER = "booster-marker-7f3a9c".getBytes(StandardCharsets.US_ASCII);

    final TunnelNode a = new TunnelNode(A_UPLINK, B_UPLINK, 1500);
    final TunnelNode b = new TunnelNode(B_UPLINK, A_UPLINK, 1500);
    final TestPort a1 = a.attach("a1", "10.1.0.10", "fd01::10");
    final TestPort b1 = b.attach("b1", "10.2.0.10", "fd02::10");

    @AfterEach
    void close() {
        for (TunnelNode n : List.of(a, b)) {
            assertTrue(n.engine.totals().balanced(), n.engine.totals().toString());
            assertEquals(0, n.buffers.outstanding());
            assertTrue(n.buffers.canariesIntact());
            n.close();
        }
    }

    static TunnelSpec spec(String remote, String local, String remoteAddress, String cidr, Encapsulation encapsulation, int vni,
                           Protection protection, Optional<Secret> key) {
        return new TunnelSpec(remote, IpAddress.parse(local), IpAddress.parse(remoteAddress), List.of(IpPrefix.parse(cidr)),
                encapsulation, vni, protection, KeyExchange.STATIC, key);
    }

    /** A to B and B to A, v4 or v6 outer; v4 and v6 pod CIDRs are routed into the same tunnel. */
    void connect(Encapsulation encapsulation, int vni, Protection protection, boolean outer6) {
        Optional<Secret> key = protection == Protection.NONE ? Optional.empty() : Optional.of(keyOf(protection));
        String la = outer6 ? "fd50::1" : "192.168.50.1";
        String lb = outer6 ? "fd50::2" : "192.168.50.2";
        a.dataplane.tunnels().put(new TunnelSpec("b", IpAddress.parse(la), IpAddress.parse(lb),
                List.of(IpPrefix.parse("10.2.0.0/24"), IpPrefix.parse("fd02::/64")), encapsulation, vni, protection, KeyExchange.STATIC, key));
        b.dataplane.tunnels().put(new TunnelSpec("a", IpAddress.parse(lb), IpAddress.parse(la),
                List.of(IpPrefix.parse("10.1.0.0/24"), IpPrefix.parse("fd01::/64")), encapsulation, vni, protection, KeyExchange.STATIC, key));
    }

    static Secret keyOf(Protection protection) {
        byte[] k = new byte[protection.keyBytes() + 4];
        for (int i = 0; i < k.length; i++) k[i] = (byte) (0x40 + i);
        return Secret.ofBytes(k);
    }

    static byte[] fromA1(String dst, int payload) {
        return FrameBuilder.ip(dst.contains(":") ? "fd01::10" : "10.1.0.10", dst).from(TunnelNode.podMac("a1")).to(GW).fragment(0x4000)
                .udp(40000, 5353, payload).build();
    }

    /** A UDP datagram from a1 whose payload is {@link #MARKER}. */
    static byte[] markedFromA1(String dst) {
        ByteBuffer udp = ByteBuffer.allocate(8 + MARKER.length);
        udp.putShort((short) 40001).putShort((short) 7777).putShort((short) (8 + MARKER.length)).putShort((short) 0).put(MARKER);
        return FrameBuilder.ip(dst.contains(":") ? "fd01::10" : "10.1.0.10", dst).from(TunnelNode.podMac("a1")).to(GW).fragment(0x4000)
                .raw(17, udp.array()).build();
    }

    /** The IP packet of {@code frame} as a router forwards it: TTL/hop limit less by {@code hops}, IPv4 checksum fixed. */
    static byte[] forwarded(byte[] frame, int hops) {
        byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
        if ((ip[0] >>> 4 & 0xf) == 6) {
            ip[7] -= (byte) hops;
        } else {
            ip[8] -= (byte) hops;
            Checksums.fixIp4Header(ip, 0);
        }
        return ip;
    }

    /** Sends {@code frame} from a1, carries A's uplink output to B, runs B; returns what A's uplink sent. */
    byte[] across(byte[] frame) {
        a1.inject(frame);
        a.run();
        List<byte[]> out = a.uplink.drain();
        assertEquals(1, out.size(), "one packet out of A's uplink; drops " + a.dataplane.stats().drops());
        b.uplink.inject(out.getFirst());
        b.run();
        return out.getFirst();
    }

    void assertDelivered(byte[] sent) {
        List<byte[]> got = b1.drain();
        assertEquals(1, got.size(), "b1 got the packet; B's drops " + b.dataplane.stats().drops());
        byte[] f = got.getFirst();
        assertEquals(TunnelNode.podMac("b1"), mac(f, 0));
        assertEquals(GW, mac(f, 6));
        assertArrayEquals(forwarded(sent, 2), Arrays.copyOfRange(f, 14, f.length), "the inner packet, one hop less per node");
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    // ---- encapsulation, byte for byte ----------------------------------------------------------------------------

    @Test
    void noneRoutesThePodCidrToTheRemoteNodesNextHopUnchanged() {
        connect(Encapsulation.NONE, 0, Protection.NONE, false);
        byte[] sent = fromA1("10.2.0.10", 40);
        byte[] out = across(sent);
        assertEquals(B_UPLINK, mac(out, 0));
        assertEquals(A_UPLINK, mac(out, 6));
        assertArrayEquals(forwarded(sent, 1), Arrays.copyOfRange(out, 14, out.length));
        assertDelivered(sent);
        assertEquals(Set.of(), a.accepted, "nothing to unwrap: no tunnel traffic to ask the uplink for");
    }

    @Test
    void ipipOverIpv4WrapsTheInnerPacketInAnOuterHeaderWithProtocol4() {
        connect(Encapsulation.IPIP, 0, Protection.NONE, false);
        byte[] sent = fromA1("10.2.0.10", 100);
        byte[] out = across(sent);
        assertEquals(B_UPLINK, mac(out, 0));
        assertEquals(A_UPLINK, mac(out, 6));
        assertEquals(0x0800, u16(out, 12));
        assertEquals(0x45, u8(out, 14));
        assertEquals(20 + sent.length - 14, u16(out, 16), "outer total length");
        assertEquals(0x4000, u16(out, 20), "DF, not a fragment");
        assertEquals(64, u8(out, 22));
        assertEquals(4, u8(out, 23), "IPv4 in IPv4");
        assertTrue(Checksums.ip4HeaderValid(out, 14));
        assertEquals(IpAddress.parse("192.168.50.1"), ip4(out, 26));
        assertEquals(IpAddress.parse("192.168.50.2"), ip4(out, 30));
        assertArrayEquals(forwarded(sent, 1), Arrays.copyOfRange(out, 34, out.length));
        assertDelivered(sent);
        assertEquals(Set.of(IpAddress.parse("192.168.50.1")), a.accepted);
    }

    @Test
    void ipipOverIpv6CarriesIpv4AsProtocol4AndIpv6AsProtocol41() {
        connect(Encapsulation.IPIP, 0, Protection.NONE, true);
        byte[] sent4 = fromA1("10.2.0.10", 10);
        byte[] out = across(sent4);
        assertEquals(0x86dd, u16(out, 12));
        assertEquals(6, u8(out, 14) >>> 4);
        assertEquals(sent4.length - 14, u16(out, 18), "payload length");
        assertEquals(4, u8(out, 20));
        assertEquals(64, u8(out, 21));
        assertEquals(IpAddress.parse("fd50::1"), ip6(out, 22));
        assertEquals(IpAddress.parse("fd50::2"), ip6(out, 38));
        assertArrayEquals(forwarded(sent4, 1), Arrays.copyOfRange(out, 54, out.length));
        assertDelivered(sent4);

        byte[] sent6 = fromA1("fd02::10", 10);
        out = across(sent6);
        assertEquals(41, u8(out, 20), "IPv6 in IPv6");
        assertArrayEquals(forwarded(sent6, 1), Arrays.copyOfRange(out, 54, out.length));
        assertDelivered(sent6);
    }

    @Test
    void vxlanAddsUdp4789TheVniAndAnInnerEthernetHeader() {
        connect(Encapsulation.VXLAN, 0x123456, Protection.NONE, false);
        byte[] sent = fromA1("10.2.0.10", 64);
        byte[] out = across(sent);
        assertEquals(17, u8(out, 23));
        assertEquals(20 + 8 + 8 + 14 + sent.length - 14, u16(out, 16));
        assertTrue(Checksums.ip4HeaderValid(out, 14));
        assertTrue(u16(out, 34) >= 0xc000, "source port from the flow hash, in 49152..65535");
        assertEquals(4789, u16(out, 36));
        assertEquals(8 + 8 + 14 + sent.length - 14, u16(out, 38), "UDP length");
        assertEquals(0, u16(out, 40), "no UDP checksum over IPv4 (RFC 7348)");
        assertEquals(0x08, u8(out, 42), "VNI flag");
        assertEquals(0x123456, (u16(out, 46) << 8 | u8(out, 48)), "VNI");
        assertEquals(MacAddress.parse("ee:ee:ee:ee:ee:ee"), mac(out, 50));
        assertEquals(A_UPLINK, mac(out, 56));
        assertEquals(0x0800, u16(out, 62));
        assertArrayEquals(forwarded(sent, 1), Arrays.copyOfRange(out, 64, out.length));
        assertDelivered(sent);
    }

    @Test
    void vxlanOverIpv6HasAValidUdpChecksum() {
        connect(Encapsulation.VXLAN, 7, Protection.NONE, true);
        byte[] sent = fromA1("fd02::10", 33);
        byte[] out = across(sent);
        assertEquals(17, u8(out, 20));
        assertNotEquals(0, u16(out, 54 + 6));
        assertTrue(Checksums.ip6UpperValid(out), "UDP checksum over the IPv6 pseudo-header");
        assertEquals(0x86dd, u16(out, 54 + 16 + 12), "inner ethertype IPv6");
        assertDelivered(sent);
    }

    // ---- unwrapping refuses what is not its tunnel's ------------------------------------------------------------------

    static byte[] ipip(String src, String dst, byte[] innerFrame) {
        return FrameBuilder.ip(src, dst).from(B_UPLINK).to(A_UPLINK).raw(4, Arrays.copyOfRange(innerFrame, 14, innerFrame.length)).build();
    }

    static byte[] vxlan(String src, String dst, int vni, byte[] innerFrame) {
        ByteBuffer udp = ByteBuffer.allocate(16 + innerFrame.length);
        udp.putShort((short) 50000).putShort((short) 4789).putShort((short) (16 + innerFrame.length)).putShort((short) 0)
                .putInt(0x0800_0000).putInt(vni << 8).put(innerFrame);
        return FrameBuilder.ip(src, dst).from(B_UPLINK).to(A_UPLINK).raw(17, udp.array()).build();
    }

    byte[] toA1() {
        return FrameBuilder.ip("10.2.0.10", "10.1.0.10").from(B_UPLINK).to(A_UPLINK).udp(5353, 40000, 20).build();
    }

    @Test
    void unwrapsOnlyFromKnownTunnelEndsAndTheRightVni() {
        a.dataplane.tunnels().put(spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.VXLAN, 42, Protection.NONE, Optional.empty()));
        a.uplink.inject(vxlan("192.168.50.2", "192.168.50.1", 42, toA1()));
        a.run();
        byte[] got = a1.drain().getFirst();
        assertArrayEquals(forwarded(toA1(), 1), Arrays.copyOfRange(got, 14, got.length));

        a.uplink.inject(vxlan("192.168.50.2", "192.168.50.1", 43, toA1()));
        a.uplink.inject(vxlan("192.168.50.99", "192.168.50.1", 42, toA1()));
        a.uplink.inject(ipip("192.168.50.2", "192.168.50.1", toA1()));
        a.run();
        assertTrue(a1.drain().isEmpty());
        assertEquals(1, a.engine.drops(DropReason.VXLAN_BAD_VNI));
        assertEquals(1, a.engine.drops(DropReason.TUNNEL_UNKNOWN_PEER));
        assertEquals(1, a.engine.drops(DropReason.TUNNEL_MISMATCH), "IP in IP on a VXLAN tunnel");
    }

    @Test
    void aTunnelDeliversToLocalPodsOnlyAndIsNotFollowedTwice() {
        a.dataplane.tunnels().put(spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.IPIP, 0, Protection.NONE, Optional.empty()));
        byte[] twice = ipip("192.168.50.2", "192.168.50.1", ipip("192.168.50.2", "192.168.50.1", toA1()));
        byte[] relay = ipip("192.168.50.2", "192.168.50.1", FrameBuilder.ip("10.2.0.10", "8.8.8.8").udp(1, 53, 8).build());
        a.uplink.inject(twice, relay);
        a.run();
        assertTrue(a1.drain().isEmpty());
        assertTrue(a.uplink.drain().isEmpty(), "the node relays nothing a peer sends it onwards");
        assertEquals(2, a.engine.drops(DropReason.NOT_FOR_US));
    }

    @Test
    void podPolicyAppliesToTunnelledTrafficAsToAnyFromOutside() {
        connect(Encapsulation.VXLAN, 11, Protection.NONE, false);
        b.dataplane.policies().apply(dev.booster.api.policy.PolicySet.of(dev.booster.api.policy.NetworkPolicy.of("shop", "b1-in",
                dev.booster.api.policy.NetworkPolicySpec.of(dev.booster.api.policy.LabelSelector.matchLabels(java.util.Map.of("app", "b1")),
                        List.of(dev.booster.api.policy.PolicyType.INGRESS),
                        List.of(dev.booster.api.policy.IngressRule.allow(
                                List.of(dev.booster.api.policy.NetworkPolicyPeer.ipBlock(dev.booster.api.policy.IpBlock.of("10.1.0.0/24"))),
                                List.of(dev.booster.api.policy.NetworkPolicyPort.udp(5353)))),
                        List.of()))));
        byte[] allowed = fromA1("10.2.0.10", 8);
        across(allowed);
        assertDelivered(allowed);
        byte[] denied = FrameBuilder.ip("10.1.0.10", "10.2.0.10").from(TunnelNode.podMac("a1")).to(GW).udp(40000, 9999, 8).build();
        across(denied);
        assertTrue(b1.drain().isEmpty());
        assertEquals(1, b.engine.drops(DropReason.POLICY_DENY), "b1's ingress rules judged the unwrapped packet");
    }

    // ---- MTU -----------------------------------------------------------------------------------------------------

    @Test
    void anOversizePacketWithDfGetsFragmentationNeededWithTheTunnelsMtu() {
        connect(Encapsulation.IPIP, 0, Protection.NONE, false);
        byte[] fits = fromA1("10.2.0.10", 1480 - 28);
        a1.inject(fits);
        a.run();
        assertEquals(1500 + 14, a.uplink.drain().getFirst().length, "1480 inner bytes fill a 1500-byte uplink MTU");

        byte[] big = fromA1("10.2.0.10", 1481 - 28);
        a1.inject(big);
        a.run();
        assertTrue(a.uplink.drain().isEmpty(), "nothing too big leaves");
        byte[] e = a1.drain().getFirst();
        assertEquals(1, u8(e, 23), "ICMP");
        assertEquals(IpAddress.parse("10.1.0.10"), ip4(e, 30));
        assertEquals(3, u8(e, 34), "destination unreachable");
        assertEquals(4, u8(e, 35), "fragmentation needed and DF set");
        assertEquals(1480, u16(e, 40), "next-hop MTU");
        assertTrue(Checksums.icmp4Valid(e));
        assertEquals(1, a.engine.drops(DropReason.PACKET_TOO_BIG));
    }

    @Test
    void anOversizeIpv6PacketGetsPacketTooBig() {
        connect(Encapsulation.VXLAN, 9, Protection.NONE, false);
        byte[] big = fromA1("fd02::10", 1451 - 48);
        a1.inject(big);
        a.run();
        assertTrue(a.uplink.drain().isEmpty());
        byte[] e = a1.drain().getFirst();
        assertEquals(58, u8(e, 20));
        assertEquals(2, u8(e, 54), "packet too big");
        assertEquals(1450, ByteBuffer.wrap(e, 58, 4).getInt(), "1500 less 50 bytes of VXLAN over IPv4");
        assertTrue(Checksums.ip6UpperValid(e));
    }

    @Test
    void anOversizeIpv4PacketWithoutDfIsDroppedAndCountedNotFragmented() {
        connect(Encapsulation.IPIP, 0, Protection.NONE, false);
        byte[] big = FrameBuilder.ip("10.1.0.10", "10.2.0.10").from(TunnelNode.podMac("a1")).to(GW).udp(1, 2, 1500).build();
        a1.inject(big);
        a.run();
        assertTrue(a.uplink.drain().isEmpty());
        assertTrue(a1.drain().isEmpty());
        assertEquals(1, a.engine.drops(DropReason.PACKET_TOO_BIG));
    }

    // ---- ESP -----------------------------------------------------------------------------------------------------

    @Test
    void espCarriesOnlyCiphertextAndDeliversTheInnerPacket() {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, false);
        byte[] sent = markedFromA1("10.2.0.10");
        byte[] out = across(sent);
        assertEquals(50, u8(out, 23), "ESP");
        assertEquals(IpAddress.parse("192.168.50.1"), ip4(out, 26));
        assertEquals(IpAddress.parse("192.168.50.2"), ip4(out, 30));
        assertTrue(Checksums.ip4HeaderValid(out, 14));
        assertEquals(1, ByteBuffer.wrap(out, 38, 4).getInt(), "sequence number 1");
        assertFalse(contains(out, MARKER), "the payload is encrypted");
        assertDelivered(sent);
    }

    @Test
    void esp256OverIpv6BothWays() {
        connect(Encapsulation.NONE, 0, Protection.IPSEC_ESP_AES_GCM_256, true);
        byte[] sent = markedFromA1("fd02::10");
        byte[] out = across(sent);
        assertEquals(50, u8(out, 20));
        assertFalse(contains(out, MARKER));
        assertDelivered(sent);

        byte[] reply = FrameBuilder.ip("fd02::10", "fd01::10").from(TunnelNode.podMac("b1")).to(GW).udp(7777, 40001, 12).build();
        b1.inject(reply);
        b.run();
        byte[] back = b.uplink.drain().getFirst();
        assertEquals(50, u8(back, 20));
        a.uplink.inject(back);
        a.run();
        byte[] got = a1.drain().getFirst();
        assertArrayEquals(forwarded(reply, 2), Arrays.copyOfRange(got, 14, got.length));
    }

    @Test
    void espNeedsNoMoreThanTheUplinkMtu() {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, false);
        byte[] fits = fromA1("10.2.0.10", 1446 - 28);
        assertEquals(1500 + 14, across(fits).length, "the largest inner packet (1446 bytes) makes a 1500-byte ESP packet");
        assertDelivered(fits);
        a1.inject(fromA1("10.2.0.10", 1447 - 28));
        a.run();
        assertEquals(1446, u16(a1.drain().getFirst(), 40));
    }

    @Test
    void tamperedEspIsDroppedCountedAndNeverReachesThePod() {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, false);
        byte[] first = across(markedFromA1("10.2.0.10"));
        assertEquals(1, b1.drain().size());

        b.uplink.inject(first); // replayed
        byte[] flipped = sendFromA(markedFromA1("10.2.0.10"));
        flipped[60] ^= 0x01;
        byte[] truncated = sendFromA(markedFromA1("10.2.0.10"));
        truncated = Arrays.copyOf(truncated, 14 + 20 + 30);
        truncated[16] = 0;
        truncated[17] = 50;
        Checksums.fixIp4Header(truncated, 14);
        byte[] wrongSpi = sendFromA(markedFromA1("10.2.0.10"));
        wrongSpi[34] ^= 0x40;
        byte[] inner = fromA1("10.2.0.10", 8);
        byte[] plain = FrameBuilder.ip("192.168.50.1", "192.168.50.2").from(A_UPLINK).to(B_UPLINK).raw(4, Arrays.copyOfRange(inner, 14, inner.length)).build();
        b.uplink.inject(flipped, truncated, wrongSpi, plain);
        b.run();

        assertTrue(b1.drain().isEmpty(), "nothing tampered reaches the pod");
        assertEquals(1, b.engine.drops(DropReason.ESP_REPLAY));
        assertEquals(1, b.engine.drops(DropReason.ESP_INTEGRITY));
        assertEquals(1, b.engine.drops(DropReason.ESP_TRUNCATED));
        assertEquals(1, b.engine.drops(DropReason.ESP_BAD_SPI));
        assertEquals(1, b.engine.drops(DropReason.TUNNEL_MISMATCH), "unprotected IP in IP on an ESP tunnel");
        assertTrue(b.dataplane.stats().drops().stream().anyMatch(d -> d.reason().equals("esp-integrity") && d.packets() == 1));

        byte[] sent = markedFromA1("10.2.0.10");
        across(sent);
        assertDelivered(sent); // the refusals left the replay window as it was
    }

    byte[] sendFromA(byte[] frame) {
        a1.inject(frame);
        a.run();
        return a.uplink.drain().getFirst();
    }

    @Test
    void aKeyManagerRekeysThroughTheSaSinkMakeBeforeBreak() throws Exception {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_256, false);
        EspSaSink sinkA = a.dataplane.espSaSink("b").orElseThrow();
        EspSaSink sinkB = b.dataplane.espSaSink("a").orElseThrow();
        int oldSpi = ByteBuffer.wrap(across(fromA1("10.2.0.10", 8)), 34, 4).getInt();
        assertEquals(1, b1.drain().size());

        byte[] material = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223");
        SecurityAssociation next = SecurityAssociation.fromKeyMaterial(0x4242, EspAlgorithm.AES_GCM_16_256, material, true,
                new TunnelEndpoints(InetAddress.getByName("192.168.50.1"), InetAddress.getByName("192.168.50.2")));
        sinkB.addInbound(next);
        byte[] stillOld = sendFromA(fromA1("10.2.0.10", 8));
        sinkA.setOutbound(next);
        byte[] sent = fromA1("10.2.0.10", 9);
        byte[] out = across(sent);
        assertEquals(0x4242, ByteBuffer.wrap(out, 34, 4).getInt());
        assertDelivered(sent);
        b.uplink.inject(stillOld); // in flight during the rekey: the old inbound SA still takes it
        b.run();
        assertEquals(1, b1.drain().size());

        sinkB.removeInbound(oldSpi);
        b.uplink.inject(stillOld);
        b.run();
        assertTrue(b1.drain().isEmpty());
        assertEquals(1, b.engine.drops(DropReason.ESP_BAD_SPI));
    }

    @Test
    void espInUdpGoesOutToPort4500AndIsTakenBackWhileIkeOn4500IsNot() throws Exception {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, false);
        EspSaSink sinkA = a.dataplane.espSaSink("b").orElseThrow();
        EspSaSink sinkB = b.dataplane.espSaSink("a").orElseThrow();
        byte[] material = HexFormat.of().parseHex("101112131415161718191a1b1c1d1e1f20212223");
        // As IKE hands them over with NAT-T or a peer that forces encapsulation (strongSwan's kernel-libipsec).
        SecurityAssociation udp = SecurityAssociation.fromKeyMaterial(0x5151, EspAlgorithm.AES_GCM_16_128, material, true,
                new TunnelEndpoints(InetAddress.getByName("192.168.50.1"), InetAddress.getByName("192.168.50.2"))
                        .withUdpEncapsulation(UdpEncapsulation.NAT_T));
        sinkB.addInbound(udp);
        sinkA.setOutbound(udp);

        byte[] sent = markedFromA1("10.2.0.10");
        byte[] out = across(sent);
        assertEquals(17, u8(out, 23), "UDP");
        assertEquals(4500, u16(out, 34), "from 4500");
        assertEquals(4500, u16(out, 36), "to 4500");
        assertEquals(0x5151, ByteBuffer.wrap(out, 42, 4).getInt(), "the SPI right behind the UDP header: not the non-ESP marker");
        assertFalse(contains(out, MARKER));
        assertDelivered(sent);

        // IKE behind the zero marker and a NAT keepalive reach the engine only if the uplink passes them: dropped, never the pod's.
        byte[] ikeDatagram = new byte[8 + 36];
        ByteBuffer.wrap(ikeDatagram).putShort((short) 4500).putShort((short) 4500).putShort((short) ikeDatagram.length); // then zeros: the marker
        ikeDatagram[20] = 0x2e; // something where the IKE header goes
        byte[] ike = FrameBuilder.ip("192.168.50.1", "192.168.50.2").from(A_UPLINK).to(B_UPLINK).raw(17, ikeDatagram).build();
        byte[] keepalive = FrameBuilder.ip("192.168.50.1", "192.168.50.2").from(A_UPLINK).to(B_UPLINK).raw(17,
                new byte[]{0x11, (byte) 0x94, 0x11, (byte) 0x94, 0, 9, 0, 0, (byte) 0xff}).build();
        b.uplink.inject(ike, keepalive);
        b.run();
        assertTrue(b1.drain().isEmpty());
        assertEquals(2, b.engine.drops(DropReason.ESP_NOT_ESP));

        byte[] again = markedFromA1("10.2.0.10");
        byte[] second = across(again);
        assertEquals(2, ByteBuffer.wrap(second, 46, 4).getInt(), "sequence number 2");
        assertDelivered(again);
    }

    // ---- replacing, removing, refusing ---------------------------------------------------------------------------

    @Test
    void reputtingAnEspTunnelWithOtherCidrsKeepsItsSasAndSequenceNumbers() {
        connect(Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, false);
        byte[] sent = fromA1("10.2.0.10", 8);
        across(sent);
        assertDelivered(sent);
        TunnelSpec wider = new TunnelSpec("b", IpAddress.parse("192.168.50.1"), IpAddress.parse("192.168.50.2"),
                List.of(IpPrefix.parse("10.2.0.0/24"), IpPrefix.parse("10.2.1.0/24")), Encapsulation.NONE, 0,
                Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.STATIC, Optional.of(keyOf(Protection.IPSEC_ESP_AES_GCM_128)));
        a.dataplane.tunnels().put(wider);
        byte[] out = across(sent);
        assertEquals(2, ByteBuffer.wrap(out, 38, 4).getInt(), "the same SA goes on: sequence number 2");
        assertDelivered(sent);
        assertEquals(50, u8(sendFromA(fromA1("10.2.1.7", 8)), 23), "the added CIDR goes into the tunnel");
        assertEquals(1, countTunnels(a));
    }

    @Test
    void replacingATunnelSwitchesItsRoutesAndRemovingItWithdrawsThem() {
        a.dataplane.tunnels().put(spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.IPIP, 0, Protection.NONE, Optional.empty()));
        assertEquals(4, u8(sendFromA(fromA1("10.2.0.10", 8)), 23));
        TunnelSpec vxlan = spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.VXLAN, 5, Protection.NONE, Optional.empty());
        a.dataplane.tunnels().put(vxlan);
        assertEquals(17, u8(sendFromA(fromA1("10.2.0.10", 8)), 23));
        assertEquals(Optional.of(vxlan), a.dataplane.tunnels().get("b"));
        assertEquals(List.of(vxlan), a.dataplane.tunnels().list());
        assertEquals(1, countTunnels(a), "the replaced tunnel is gone from the engine");

        assertTrue(a.dataplane.tunnels().remove("b"));
        assertFalse(a.dataplane.tunnels().remove("b"));
        assertEquals(0, countTunnels(a));
        assertEquals(Set.of(), a.accepted);
        assertEquals(17, u8(sendFromA(fromA1("10.2.0.10", 8)), 23), "plain UDP by the default route again");
    }

    static int countTunnels(TunnelNode n) {
        int count = 0;
        for (int t = 0; t < n.engine.state().tunnels().size(); t++) if (n.engine.state().tunnels().present(t)) count++;
        return count;
    }

    @Test
    void refusesWhatItCannotDoAndNamesTheField() {
        // IKE must listen on the local address, and 192.0.2.1 (TEST-NET-1) is nobody's here: refused, nothing left behind.
        TunnelSpec ike = new TunnelSpec("b", IpAddress.parse("192.0.2.1"), IpAddress.parse("192.0.2.2"), List.of(IpPrefix.parse("10.2.0.0/24")),
                Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.IKEV2_PSK, Optional.of(Secret.ofString("psk")));
        InvalidSpecException unbound = assertThrows(InvalidSpecException.class, () -> a.dataplane.tunnels().put(ike));
        assertEquals("localAddress", unbound.field());
        assertTrue(unbound.getMessage().contains("192.0.2.1"), unbound.getMessage());
        assertEquals(List.of(), a.dataplane.tunnels().list());
        assertEquals(0, countTunnels(a));
        TunnelSpec wireguard = new TunnelSpec("b", IpAddress.parse("192.168.50.1"), IpAddress.parse("192.168.50.2"), List.of(IpPrefix.parse("10.2.0.0/24")),
                Encapsulation.NONE, 0, Protection.WIREGUARD, KeyExchange.IKEV2_PSK, Optional.of(Secret.ofString("psk")));
        assertThrows(UnsupportedOperationException.class, () -> a.dataplane.tunnels().put(wireguard));
        InvalidSpecException vxlanEsp = assertThrows(InvalidSpecException.class, () -> a.dataplane.tunnels().put(
                spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.VXLAN, 3, Protection.IPSEC_ESP_AES_GCM_128,
                        Optional.of(keyOf(Protection.IPSEC_ESP_AES_GCM_128)))));
        assertEquals("encapsulation", vxlanEsp.field());
        a.dataplane.tunnels().put(spec("b", "192.168.50.1", "192.168.50.2", "10.2.0.0/24", Encapsulation.IPIP, 0, Protection.NONE, Optional.empty()));
        InvalidSpecException taken = assertThrows(InvalidSpecException.class, () -> a.dataplane.tunnels().put(
                spec("c", "192.168.50.1", "192.168.50.3", "10.2.0.0/24", Encapsulation.IPIP, 0, Protection.NONE, Optional.empty())));
        assertEquals("remotePodCidrs[0]", taken.field());
        assertEquals(List.of("b"), a.dataplane.tunnels().list().stream().map(TunnelSpec::remoteNode).toList());
    }
}
