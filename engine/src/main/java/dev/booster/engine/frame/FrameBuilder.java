package dev.booster.engine.frame;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds Ethernet/IPv4/IPv6/UDP/TCP/ICMP frames by hand, with correct lengths and checksums: for tests of the engine
 * and of every backend, and for applications that inject traffic into the {@code memory} backend. Written
 * independently of the engine's nodes so that tests using it check them.
 */
public final class FrameBuilder {
    public static final MacAddress GATEWAY_MAC = MacAddress.parse("ee:ee:ee:ee:ee:ee");

    private MacAddress dstMac = GATEWAY_MAC;
    private MacAddress srcMac = MacAddress.parse("02:00:00:00:00:01");
    private IpAddress src;
    private IpAddress dst;
    private int ttl = 64;
    private int fragment;
    private int protocol = 17;
    private byte[] l4 = new byte[0];
    private final List<byte[]> extensions = new ArrayList<>();
    private final List<Integer> extensionTypes = new ArrayList<>();

    public static FrameBuilder ip(String src, String dst) {
        FrameBuilder b = new FrameBuilder();
        b.src = IpAddress.parse(src);
        b.dst = IpAddress.parse(dst);
        return b;
    }

    public FrameBuilder from(MacAddress mac) {
        srcMac = mac;
        return this;
    }

    public FrameBuilder to(MacAddress mac) {
        dstMac = mac;
        return this;
    }

    public FrameBuilder ttl(int value) {
        ttl = value;
        return this;
    }

    /** IPv4 flags and fragment offset word (e.g. 0x2000 more fragments, 0x0001 offset 8). */
    public FrameBuilder fragment(int flagsAndOffset) {
        fragment = flagsAndOffset;
        return this;
    }

    /** An IPv6 extension header; {@code body} excludes the next-header byte, which is filled in. */
    public FrameBuilder extension(int type, byte[] bodyAfterNextHeader) {
        extensionTypes.add(type);
        extensions.add(bodyAfterNextHeader);
        return this;
    }

    public FrameBuilder udp(int srcPort, int dstPort, int payload) {
        protocol = 17;
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload)).putShort((short) 0);
        for (int i = 0; i < payload; i++) b.put((byte) i);
        l4 = b.array();
        return this;
    }

    public FrameBuilder tcp(int srcPort, int dstPort, int flags) {
        protocol = 6;
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(1).putInt(0).put((byte) 0x50).put((byte) flags).putShort((short) 65535).putInt(0);
        l4 = b.array();
        return this;
    }

    public FrameBuilder sctp(int srcPort, int dstPort) {
        protocol = 132;
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(7).putInt(0);
        l4 = b.array();
        return this;
    }

    /** ICMP (v4) or ICMPv6 echo request/reply: types 8/0 or 128/129. */
    public FrameBuilder icmp(int type, int code, int identifier, int payload) {
        protocol = src instanceof Ip6Address ? 58 : 1;
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.put((byte) type).put((byte) code).putShort((short) 0).putShort((short) identifier).putShort((short) 1);
        l4 = b.array();
        return this;
    }

    /** Any upper-layer bytes; checksums inside are the caller's business. */
    public FrameBuilder raw(int protocolNumber, byte[] bytes) {
        protocol = protocolNumber;
        l4 = bytes.clone();
        return this;
    }

    public byte[] build() {
        boolean v6 = src instanceof Ip6Address;
        byte[] upper = l4.clone();
        byte[] ip = v6 ? ip6Header(upper) : ip4Header(upper.length);
        fillTransportChecksum(upper, v6);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(dstMac.toBytes());
        out.writeBytes(srcMac.toBytes());
        out.write(v6 ? 0x86 : 0x08);
        out.write(v6 ? 0xdd : 0x00);
        out.writeBytes(ip);
        out.writeBytes(upper);
        return out.toByteArray();
    }

    private byte[] ip4Header(int upperLength) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + upperLength)).putShort((short) 0x1234).putShort((short) fragment)
                .put((byte) ttl).put((byte) protocol).putShort((short) 0).put(src.toBytes()).put(dst.toBytes());
        byte[] h = b.array();
        int c = Checksums.finish(Checksums.sum(h, 0, 20, 0));
        h[10] = (byte) (c >>> 8);
        h[11] = (byte) c;
        return h;
    }

    private byte[] ip6Header(byte[] upper) {
        ByteArrayOutputStream chain = new ByteArrayOutputStream();
        for (int i = 0; i < extensions.size(); i++) {
            int next = i + 1 < extensions.size() ? extensionTypes.get(i + 1) : protocol;
            chain.write(next);
            chain.writeBytes(extensions.get(i));
        }
        byte[] ext = chain.toByteArray();
        int first = extensions.isEmpty() ? protocol : extensionTypes.get(0);
        ByteBuffer b = ByteBuffer.allocate(40 + ext.length);
        b.putInt(0x6000_0000).putShort((short) (ext.length + upper.length)).put((byte) first).put((byte) ttl).put(src.toBytes()).put(dst.toBytes()).put(ext);
        return b.array();
    }

    private void fillTransportChecksum(byte[] upper, boolean v6) {
        int at = switch (protocol) {
            case 17 -> 6;
            case 6 -> 16;
            case 1, 58 -> 2;
            default -> -1;
        };
        if (at < 0 || upper.length < at + 2) return;
        long sum = 0;
        if (v6 || protocol == 17 || protocol == 6) {
            sum = Checksums.sum(src.toBytes(), 0, src.toBytes().length, sum);
            sum = Checksums.sum(dst.toBytes(), 0, dst.toBytes().length, sum);
            sum += protocol + upper.length;
        }
        if (protocol == 1) sum = 0;
        int c = Checksums.finish(Checksums.sum(upper, 0, upper.length, sum));
        if (protocol == 17 && c == 0) c = 0xffff;
        upper[at] = (byte) (c >>> 8);
        upper[at + 1] = (byte) c;
    }

    /** An ARP request from {@code senderMac}/{@code senderIp} for {@code targetIp}, broadcast. */
    public static byte[] arpRequest(MacAddress senderMac, String senderIp, String targetIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(MacAddress.BROADCAST.toBytes()).put(senderMac.toBytes()).putShort((short) 0x0806)
                .putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(senderMac.toBytes()).put(Ip4Address.parse(senderIp).toBytes()).put(new byte[6]).put(Ip4Address.parse(targetIp).toBytes());
        return b.array();
    }

    /** A neighbour solicitation for {@code target} from {@code src}, to its solicited-node group, with a source link-layer option. */
    public static byte[] neighbourSolicitation(MacAddress senderMac, String src, String target, boolean withSourceLinkAddress) {
        byte[] t = Ip6Address.parse(target).toBytes();
        ByteBuffer icmp = ByteBuffer.allocate(withSourceLinkAddress ? 32 : 24);
        icmp.put((byte) 135).put((byte) 0).putShort((short) 0).putInt(0).put(t);
        if (withSourceLinkAddress) icmp.put((byte) 1).put((byte) 1).put(senderMac.toBytes());
        byte[] group = Ip6Address.parse("ff02::1:ff00:0").toBytes();
        group[13] = t[13];
        group[14] = t[14];
        group[15] = t[15];
        MacAddress groupMac = MacAddress.ofBytes(new byte[]{0x33, 0x33, (byte) 0xff, t[13], t[14], t[15]});
        return new FrameBuilder().withAddresses(Ip6Address.parse(src), Ip6Address.ofBytes(group))
                .from(senderMac).to(groupMac).ttl(255).raw(58, icmp.array()).build();
    }

    private FrameBuilder withAddresses(IpAddress s, IpAddress d) {
        src = s;
        dst = d;
        return this;
    }
}
