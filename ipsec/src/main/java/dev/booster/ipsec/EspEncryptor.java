package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import static dev.booster.ipsec.Esp.put16;
import static dev.booster.ipsec.Esp.put32;
import static dev.booster.ipsec.Esp.put64;
import static dev.booster.ipsec.Esp.put8;
import static dev.booster.ipsec.Esp.u16;
import static dev.booster.ipsec.Esp.u8;

/**
 * The outbound side of one SA: turns an inner IP packet into an ESP tunnel-mode packet in place, in the packet's own
 * buffer. The outer IP header, ESP header and IV go into the headroom in front of the inner packet
 * ({@link #headerBytes()}); padding, pad length, next header and the ICV go into the tailroom behind it (at most
 * {@link Esp#MAX_TAIL_BYTES}).
 *
 * <p>The IV is the 64-bit sequence number (as Linux and VPP do): unique per SA as RFC 4106 §3.1 demands, and no
 * random numbers per packet. The outer header: TTL/hop limit 64, DSCP and ECN copied from the inner header
 * (RFC 4301 §5.1.2.1, RFC 6040 normal mode), IPv4 DF copied from an IPv4 inner packet and set for IPv6 inner
 * packets, IPv6 flow label 0.
 *
 * <p>With {@link TunnelEndpoints#udpEncapsulation()} the ESP packet travels inside UDP (RFC 3948): outer IP header
 * (protocol 17), an 8-byte UDP header with the SA's ports, then ESP as above. Over IPv4 the UDP checksum is 0, as
 * RFC 3948 §2.1 says; over IPv6 it is computed over the whole datagram (RFC 8200 §8.1 forbids 0 unless both ends
 * opt into RFC 6935/6936 zero checksums, which Linux and strongSwan do not for ESP-in-UDP), one pass of 8-byte
 * loads over the ciphertext.
 *
 * <p>Owned by one worker thread: {@link #encrypt} is neither thread-safe nor locked. It allocates nothing (with
 * {@link EspCrypto#OPENSSL}) and throws nothing; a refused packet comes back as an {@link EspDrop} code.
 */
public final class EspEncryptor implements AutoCloseable {
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TTL = 64;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int PROTOCOL_UDP = 17;

    private final SecurityAssociation sa;
    private final EspAead aead;
    private final SaCounters counters = new SaCounters();
    private final boolean ipv4;
    private final int headerBytes;
    /** Outer IP header plus, with UDP encapsulation, the UDP header: where the ESP header starts. */
    private final int espOffset;
    private final boolean udp;
    /** Source port in the high half, destination port in the low half: the UDP header's first 4 bytes. */
    private final int udpPorts;
    /** The IPv6 pseudo-header's sum over what never changes: addresses and next header (RFC 8200 §8.1). */
    private final long udp6FixedSum;
    private final int protocol;
    private final int spi;
    private final long maxSequence;
    // Outer addresses: IPv4 in src4/dst4; IPv6 as two 64-bit halves each.
    private final int src4;
    private final int dst4;
    private final long srcHi;
    private final long srcLo;
    private final long dstHi;
    private final long dstLo;
    /** The IPv4 header checksum's sum over the fields that never change (TTL, protocol, addresses). */
    private final int fixedChecksumSum;
    private long sequence;
    private int identification;
    private boolean closed;

    private EspEncryptor(SecurityAssociation sa, EspCrypto crypto) {
        this.sa = sa;
        this.aead = EspAead.create(sa, crypto, true);
        this.spi = sa.spi();
        this.maxSequence = sa.extendedSequenceNumbers() ? -1L : 0xffff_ffffL;
        this.ipv4 = sa.tunnel().ipv4();
        this.udp = sa.tunnel().udpEncapsulation().isPresent();
        this.udpPorts = sa.tunnel().udpEncapsulation().map(u -> u.sourcePort() << 16 | u.destinationPort()).orElse(0);
        this.protocol = udp ? PROTOCOL_UDP : Esp.PROTOCOL;
        this.espOffset = (ipv4 ? IPV4_HEADER : IPV6_HEADER) + (udp ? Esp.UDP_HEADER_BYTES : 0);
        this.headerBytes = espOffset + Esp.PAYLOAD_OFFSET;
        ByteBuffer src = ByteBuffer.wrap(padded(sa.tunnel().source()));
        ByteBuffer dst = ByteBuffer.wrap(padded(sa.tunnel().destination()));
        src4 = src.getInt(0);
        dst4 = dst.getInt(0);
        srcHi = src.getLong(0);
        srcLo = src.getLong(8);
        dstHi = dst.getLong(0);
        dstLo = dst.getLong(8);
        fixedChecksumSum = (TTL << 8 | protocol) + (src4 >>> 16) + (src4 & 0xffff) + (dst4 >>> 16) + (dst4 & 0xffff);
        udp6FixedSum = halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo) + PROTOCOL_UDP;
    }

    /** An encryptor with the preferred AES-GCM implementation ({@link EspCrypto#preferred()}). */
    public static EspEncryptor open(SecurityAssociation sa) {
        return open(sa, EspCrypto.preferred());
    }

    /**
     * An encryptor with the given AES-GCM implementation; close it to free the cipher state.
     *
     * @throws dev.booster.ipsec.ffi.LibcryptoUnavailableException OPENSSL was asked for and libcrypto is missing
     */
    public static EspEncryptor open(SecurityAssociation sa, EspCrypto crypto) {
        if (sa == null) throw new IllegalArgumentException("sa must be set");
        if (crypto == null) throw new IllegalArgumentException("crypto must be set (EspCrypto.preferred() if unsure)");
        return new EspEncryptor(sa, crypto);
    }

    /**
     * Bytes the encryptor writes in front of the inner packet: outer IP header (20 or 40), the UDP header (8) with UDP
     * encapsulation, ESP header, IV.
     */
    public int headerBytes() {
        return headerBytes;
    }

    /**
     * Encrypts the inner IP packet at {@code offset} in place. The outer packet starts at
     * {@code offset - headerBytes()} and is as long as the result.
     *
     * @param packet   a native segment holding the packet (e.g. all of memory, with absolute addresses as offsets)
     * @param offset   where the inner IPv4 or IPv6 header starts
     * @param length   the inner packet's length
     * @param headroom bytes of the buffer free before {@code offset}; at least {@link #headerBytes()}
     * @param tailroom bytes of the buffer free after the inner packet; at least {@link Esp#MAX_TAIL_BYTES} is always enough
     * @return the outer packet's length, or a negative {@link EspDrop#code()}
     */
    public int encrypt(MemorySegment packet, long offset, int length, int headroom, int tailroom) {
        if (closed) return counters.drop(EspDrop.CLOSED);
        if (length <= 0) return counters.drop(EspDrop.BAD_INNER_PACKET);
        int padLength = -(length + Esp.TRAILER_BYTES) & 3;
        int ciphertextLength = length + padLength + Esp.TRAILER_BYTES;
        int tail = ciphertextLength - length + EspAlgorithm.ICV_BYTES;
        if (headroom < headerBytes || tailroom < tail || offset < headerBytes
                || offset > packet.byteSize() - ciphertextLength - EspAlgorithm.ICV_BYTES) {
            return counters.drop(EspDrop.NO_ROOM);
        }
        int outerLength = headerBytes + ciphertextLength + EspAlgorithm.ICV_BYTES;
        if (outerLength - (ipv4 ? 0 : IPV6_HEADER) > 0xffff) return counters.drop(EspDrop.TOO_BIG);

        int version = u8(packet, offset) >>> 4;
        int nextHeader;
        int trafficClass;
        int fragmentWord;
        if (version == 4) {
            nextHeader = Esp.NEXT_HEADER_IPV4;
            trafficClass = u8(packet, offset + 1);
            fragmentWord = length >= IPV4_HEADER ? u16(packet, offset + 6) & DONT_FRAGMENT : 0;
        } else if (version == 6) {
            nextHeader = Esp.NEXT_HEADER_IPV6;
            trafficClass = length >= 2 ? u16(packet, offset) >>> 4 & 0xff : 0;
            fragmentWord = DONT_FRAGMENT;
        } else {
            return counters.drop(EspDrop.BAD_INNER_PACKET);
        }
        if (sequence == maxSequence) return counters.drop(EspDrop.SEQUENCE_EXHAUSTED);
        long seq = ++sequence;

        long trailer = offset + length;
        for (int i = 1; i <= padLength; i++) put8(packet, trailer + i - 1, i);
        put8(packet, trailer + padLength, padLength);
        put8(packet, trailer + padLength + 1, nextHeader);

        long esp = offset - Esp.PAYLOAD_OFFSET;
        put32(packet, esp, spi);
        put32(packet, esp + 4, (int) seq);
        put64(packet, esp + Esp.HEADER_BYTES, seq);
        if (!aead.seal(packet, offset, ciphertextLength, seq, seq)) return counters.drop(EspDrop.CRYPTO_ERROR);

        long outer = offset - headerBytes;
        if (ipv4) {
            writeIpv4(packet, outer, outerLength, trafficClass, fragmentWord);
        } else {
            writeIpv6(packet, outer, outerLength - IPV6_HEADER, trafficClass);
        }
        if (udp) writeUdp(packet, outer, outerLength);
        counters.countPacket(length);
        return outerLength;
    }

    private void writeIpv4(MemorySegment packet, long at, int totalLength, int tos, int fragmentWord) {
        int id = identification++ & 0xffff;
        put16(packet, at, 0x4500 | tos);
        put16(packet, at + 2, totalLength);
        put16(packet, at + 4, id);
        put16(packet, at + 6, fragmentWord);
        put16(packet, at + 8, TTL << 8 | protocol);
        put32(packet, at + 12, src4);
        put32(packet, at + 16, dst4);
        int sum = fixedChecksumSum + (0x4500 | tos) + totalLength + id + fragmentWord;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        put16(packet, at + 10, ~sum & 0xffff);
    }

    private void writeIpv6(MemorySegment packet, long at, int payloadLength, int trafficClass) {
        put32(packet, at, 6 << 28 | trafficClass << 20);
        put16(packet, at + 4, payloadLength);
        put16(packet, at + 6, protocol << 8 | TTL);
        put64(packet, at + 8, srcHi);
        put64(packet, at + 16, srcLo);
        put64(packet, at + 24, dstHi);
        put64(packet, at + 32, dstLo);
    }

    private void writeUdp(MemorySegment packet, long outer, int outerLength) {
        long at = outer + espOffset - Esp.UDP_HEADER_BYTES;
        int udpLength = outerLength - (espOffset - Esp.UDP_HEADER_BYTES);
        put32(packet, at, udpPorts);
        put16(packet, at + 4, udpLength);
        put16(packet, at + 6, 0);
        if (!ipv4) {
            // Pseudo-header (addresses, length, next header) plus the UDP header and payload; the checksum field is 0.
            long sum = udp6FixedSum + udpLength + Esp.onesComplementSum(packet, at, udpLength);
            int checksum = ~Esp.fold(sum) & 0xffff;
            put16(packet, at + 6, checksum == 0 ? 0xffff : checksum);
        }
    }

    private static long halves(long value) {
        return (value >>> 48) + (value >>> 32 & 0xffff) + (value >>> 16 & 0xffff) + (value & 0xffff);
    }

    /** The SA this encryptor serves. */
    public SecurityAssociation sa() {
        return sa;
    }

    /** The sequence number of the last packet sent, 0 before the first. */
    public long lastSequence() {
        return sequence;
    }

    /**
     * The last sequence number this SA may send, unsigned: 2^32 - 1, or with ESN 2^64 - 1 (-1 as a long). The SA must
     * be rekeyed before {@link #lastSequence()} reaches it; after, packets are dropped as SEQUENCE_EXHAUSTED.
     */
    public long maxSequence() {
        return maxSequence;
    }

    public SaStatistics statistics() {
        return counters.snapshot();
    }

    /** Continues after {@code lastSent} (for tests of sequence-number edges). */
    void startAfter(long lastSent) {
        sequence = lastSent;
    }

    /** Frees the cipher state. Call it only after the owning worker stopped using this encryptor. */
    @Override
    public void close() {
        closed = true;
        aead.close();
    }

    private static byte[] padded(InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] sixteen = new byte[16];
        System.arraycopy(raw, 0, sixteen, 0, raw.length);
        return sixteen;
    }
}
