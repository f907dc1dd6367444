package dev.booster.engine;

import dev.booster.api.policy.PolicyType;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/** Malformed frames are dropped with the reason that names what is wrong; sound ones pass. */
class ValidationTest {
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int DESTINATION_OPTIONS = 60;

    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding());
        assertTrue(net.engine.totals().balanced());
        net.close();
    }

    private void expectDrop(DropReason reason, byte[] frame) {
        long before = net.engine.drops(reason);
        net.send(net.a, frame);
        assertEquals(before + 1, net.engine.drops(reason), "dropped as " + reason.reasonName());
        assertTrue(net.b.drain().isEmpty(), "nothing forwarded");
    }

    private void expectForwarded(byte[] frame) {
        net.send(net.a, frame);
        assertEquals(1, net.b.drain().size(), "forwarded; drops: " + net.engine.drops());
    }

    private static byte[] udp4() {
        return fromA("10.0.0.2").udp(1000, 53, 8).build();
    }

    private static byte[] edited4(java.util.function.Consumer<byte[]> edit) {
        byte[] f = udp4();
        edit.accept(f);
        Checksums.fixIp4Header(f, 14);
        return f;
    }

    @Test
    void ethernet() {
        expectDrop(DropReason.TRUNCATED, new byte[13]);
        byte[] vlan = udp4();
        vlan[12] = (byte) 0x81;
        vlan[13] = 0;
        expectDrop(DropReason.UNSUPPORTED_ETHERTYPE, vlan);
        expectDrop(DropReason.NOT_FOR_US, fromA("10.0.0.2").to(MAC_B).udp(1, 2, 0).build());
    }

    @Test
    void ip4Header() {
        byte[] badChecksum = udp4();
        badChecksum[24] ^= 0x40;
        expectDrop(DropReason.BAD_CHECKSUM, badChecksum);
        expectDrop(DropReason.TRUNCATED, Arrays.copyOf(udp4(), 14 + 19));
        expectDrop(DropReason.BAD_HEADER, edited4(f -> f[14] = 0x44));
        expectDrop(DropReason.BAD_HEADER, edited4(f -> f[14] = 0x55));
        expectDrop(DropReason.TRUNCATED, edited4(f -> f[14] = 0x4f));
        expectDrop(DropReason.TRUNCATED, edited4(f -> f[17] = (byte) (f[17] + 1)));
        expectDrop(DropReason.BAD_HEADER, edited4(f -> {
            f[16] = 0;
            f[17] = 19;
        }));
        expectDrop(DropReason.NOT_FOR_US, FrameBuilder.ip("10.0.0.1", "224.0.0.5").from(MAC_A).to(GW).udp(1, 2, 0).build());
        expectDrop(DropReason.NOT_FOR_US, fromA("10.0.0.2").to(dev.booster.api.net.MacAddress.BROADCAST).udp(1, 2, 0).build());
        expectDrop(DropReason.BAD_HEADER, FrameBuilder.ip("224.1.1.1", "10.0.0.2").from(MAC_A).to(GW).udp(1, 2, 0).build());
    }

    @Test
    void ethernetPaddingIsTrimmedToTheIpLength() {
        byte[] f = Arrays.copyOf(fromA("10.0.0.2").udp(1, 2, 0).build(), 60);
        net.send(net.a, f);
        assertEquals(14 + 28, net.b.drain().getFirst().length);
    }

    @Test
    void ip4FragmentsAreDropped() {
        expectDrop(DropReason.FRAGMENT, fromA("10.0.0.2").fragment(0x2000).udp(1, 2, 8).build());
        expectDrop(DropReason.FRAGMENT, fromA("10.0.0.2").fragment(0x0003).udp(1, 2, 8).build());
        expectForwarded(fromA("10.0.0.2").fragment(0x4000).udp(1, 2, 8).build());
    }

    @Test
    void transportHeaders() {
        byte[] shortTcp = fromA("10.0.0.2").tcp(1, 80, 0x02).build();
        expectDrop(DropReason.TRUNCATED, truncateIp4(shortTcp, 10));
        byte[] tcpOffset = fromA("10.0.0.2").tcp(1, 80, 0x02).build();
        tcpOffset[46] = 0x40;
        expectDrop(DropReason.BAD_HEADER, tcpOffset);
        byte[] udpLong = udp4();
        udpLong[38] = 0x10;
        expectDrop(DropReason.TRUNCATED, udpLong);
        byte[] udpShort = udp4();
        udpShort[38] = 0;
        udpShort[39] = 7;
        expectDrop(DropReason.BAD_HEADER, udpShort);
        expectDrop(DropReason.TRUNCATED, truncateIp4(fromA("10.0.0.2").icmp(8, 0, 1, 0).build(), 7));
        expectForwarded(fromA("10.0.0.2").sctp(5, 6).build());
        expectForwarded(fromA("10.0.0.2").raw(47, new byte[3]).build());
    }

    /** Cuts the IP datagram to {@code l4Bytes} of transport header, with consistent IP length and checksum. */
    private static byte[] truncateIp4(byte[] frame, int l4Bytes) {
        byte[] f = Arrays.copyOf(frame, 34 + l4Bytes);
        f[16] = 0;
        f[17] = (byte) (20 + l4Bytes);
        Checksums.fixIp4Header(f, 14);
        return f;
    }

    @Test
    void ip6Header() {
        byte[] f = fromA("fd00::2").udp(1, 2, 8).build();
        expectDrop(DropReason.TRUNCATED, Arrays.copyOf(f, 53));
        byte[] longPayload = f.clone();
        longPayload[19] += 1;
        expectDrop(DropReason.TRUNCATED, longPayload);
        byte[] version = f.clone();
        version[14] = 0x40;
        expectDrop(DropReason.BAD_HEADER, version);
        expectDrop(DropReason.NOT_FOR_US, FrameBuilder.ip("fd00::1", "ff02::5").from(MAC_A).to(GW).udp(1, 2, 0).build());
        expectDrop(DropReason.NOT_FOR_US, FrameBuilder.ip("fd00::1", "fe80::9").from(MAC_A).to(GW).udp(1, 2, 0).build());
    }

    /** An 8-byte options header: length byte 0 and six bytes of options. */
    private static byte[] options(int... sixBytes) {
        byte[] body = new byte[7];
        for (int i = 0; i < 6; i++) body[1 + i] = (byte) sixBytes[i];
        return body;
    }

    @Test
    void walksSoundExtensionChainsToTheTransportHeader() {
        net.engine.publishPolicy(new TestPolicy(1).deny(1, PolicyType.INGRESS, 53));
        byte[] chain = fromA("fd00::2").extension(HOP_BY_HOP, options(1, 4, 0, 0, 0, 0))
                .extension(DESTINATION_OPTIONS, options(0, 0, 0, 0, 0, 0))
                .extension(ROUTING, new byte[]{0, 0, 0, 0, 0, 0, 0})
                .udp(1000, 53, 4).build();
        expectDrop(DropReason.POLICY_DENY, chain);
        expectForwarded(fromA("fd00::2").extension(HOP_BY_HOP, options(1, 4, 0, 0, 0, 0)).udp(1000, 54, 4).build());
    }

    @Test
    void zeroLengthOptionsAreValid() {
        expectForwarded(fromA("fd00::2").extension(HOP_BY_HOP, options(1, 0, 1, 2, 0, 0)).udp(1, 2, 0).build());
        expectForwarded(fromA("fd00::2").extension(DESTINATION_OPTIONS, options(0x1e, 0, 1, 0, 0, 0)).udp(1, 2, 0).build());
    }

    @Test
    void badExtensionChainsAreDropped() {
        expectDrop(DropReason.TRUNCATED, fromA("fd00::2").extension(HOP_BY_HOP, new byte[]{1, 1, 4, 0, 0, 0, 0}).raw(59, new byte[0]).build());
        expectDrop(DropReason.TRUNCATED, fromA("fd00::2").extension(ROUTING, new byte[]{10, 0, 0, 0, 0, 0, 0}).udp(1, 2, 0).build());
        expectDrop(DropReason.TRUNCATED, fromA("fd00::2").extension(DESTINATION_OPTIONS, new byte[]{0, 1}).raw(59, new byte[0]).build());
        expectDrop(DropReason.BAD_HEADER, fromA("fd00::2").extension(HOP_BY_HOP, options(1, 10, 0, 0, 0, 0)).udp(1, 2, 0).build());
        expectDrop(DropReason.BAD_HEADER, fromA("fd00::2").extension(HOP_BY_HOP, options(0, 0, 0, 0, 0, 1)).udp(1, 2, 0).build());
        expectDrop(DropReason.BAD_HEADER, fromA("fd00::2").extension(HOP_BY_HOP, options(0x80, 0, 1, 2, 0, 0)).udp(1, 2, 0).build());
        expectDrop(DropReason.BAD_HEADER, fromA("fd00::2").extension(DESTINATION_OPTIONS, options(1, 4, 0, 0, 0, 0))
                .extension(HOP_BY_HOP, options(1, 4, 0, 0, 0, 0)).udp(1, 2, 0).build());
        FrameBuilder nine = fromA("fd00::2");
        for (int i = 0; i < 9; i++) nine.extension(DESTINATION_OPTIONS, options(1, 4, 0, 0, 0, 0));
        expectDrop(DropReason.BAD_HEADER, nine.udp(1, 2, 0).build());
        expectDrop(DropReason.FRAGMENT, fromA("fd00::2").extension(FRAGMENT, new byte[]{0, 0, 1, 0, 0, 0, 1}).udp(1, 2, 0).build());
        byte[] shortTcp = Arrays.copyOf(withPayloadLength(fromA("fd00::2").tcp(1, 2, 0).build(), 10), 54 + 10);
        expectDrop(DropReason.TRUNCATED, shortTcp);
    }

    private static byte[] withPayloadLength(byte[] f, int length) {
        byte[] g = f.clone();
        g[18] = (byte) (length >>> 8);
        g[19] = (byte) length;
        return g;
    }
}
