package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.nio.ByteOrder.BIG_ENDIAN;

/** ESP's wire layout (RFC 4303 §2, RFC 4106 §3) and the byte access both directions share. */
public final class Esp {
    /** IP protocol number of ESP. */
    public static final int PROTOCOL = 50;
    /** SPI and sequence number (low half). */
    public static final int HEADER_BYTES = 8;
    /** RFC 4106's explicit IV, carried right after the header. */
    public static final int IV_BYTES = 8;
    /** Where the encrypted payload starts, from the ESP header; also where a decrypted inner packet starts. */
    public static final int PAYLOAD_OFFSET = HEADER_BYTES + IV_BYTES;
    /** The UDP header in front of ESP in UDP-encapsulated SAs (RFC 3948). */
    public static final int UDP_HEADER_BYTES = 8;
    /**
     * Where a decrypted inner packet starts, from the UDP header of an ESP-in-UDP packet (see
     * {@link EspInbound#decryptUdp}).
     */
    public static final int UDP_PAYLOAD_OFFSET = UDP_HEADER_BYTES + PAYLOAD_OFFSET;
    /** Pad length and next header, the last two bytes of the encrypted payload. */
    public static final int TRAILER_BYTES = 2;
    /** The most a trailer plus ICV adds behind the inner packet (3 bytes of padding to reach a 4-byte multiple). */
    public static final int MAX_TAIL_BYTES = 3 + TRAILER_BYTES + EspAlgorithm.ICV_BYTES;
    /** The shortest ESP packet: header, IV, a trailer padded to 4 bytes, ICV. */
    public static final int MIN_PACKET_BYTES = PAYLOAD_OFFSET + 4 + EspAlgorithm.ICV_BYTES;

    static final int NEXT_HEADER_IPV4 = 4;
    static final int NEXT_HEADER_IPV6 = 41;
    /** RFC 4303 §2.6: a dummy packet, to be discarded. */
    static final int NEXT_HEADER_NONE = 59;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(BIG_ENDIAN);

    private Esp() {
    }

    /**
     * Checks the UDP datagram at {@code offset} ({@code length} bytes from its header to the end of the IP packet)
     * for ESP: 0 when an ESP packet follows the UDP header, else a negative {@link EspDrop} code: NOT_ESP for an IKE
     * message behind the non-ESP marker (4 zero bytes where an SPI would be, RFC 3948 §2.2) or a NAT keepalive (one
     * 0xff byte, §2.3); TRUNCATED when the UDP header does not fit or its length disagrees with {@code length}.
     */
    static int espInUdp(MemorySegment packet, long offset, int length) {
        if (length < UDP_HEADER_BYTES || offset < 0 || offset > packet.byteSize() - length) return EspDrop.TRUNCATED.code();
        if (u16(packet, offset + 4) != length) return EspDrop.TRUNCATED.code();
        int payload = length - UDP_HEADER_BYTES;
        if (payload == 1 && u8(packet, offset + UDP_HEADER_BYTES) == 0xff) return EspDrop.NOT_ESP.code();
        if (payload >= 4 && u32(packet, offset + UDP_HEADER_BYTES) == 0) return EspDrop.NOT_ESP.code();
        return 0;
    }

    /**
     * The ones' complement sum (RFC 1071) of {@code length} bytes at {@code at}, unfolded: 8-byte loads, each added as
     * two 32-bit halves (no overflow below 2^31 bytes); a last odd byte counts as the high byte of a 16-bit word.
     */
    static long onesComplementSum(MemorySegment s, long at, int length) {
        long sum = 0;
        long end = at + (length & ~7);
        long i = at;
        for (; i < end; i += 8) {
            long word = s.get(U64, i);
            sum += (word >>> 32) + (word & 0xffff_ffffL);
        }
        int rest = length & 7;
        if (rest >= 4) {
            sum += s.get(U32, i) & 0xffff_ffffL;
            i += 4;
            rest -= 4;
        }
        if (rest >= 2) {
            sum += s.get(U16, i) & 0xffff;
            i += 2;
            rest -= 2;
        }
        if (rest == 1) sum += (long) u8(s, i) << 8;
        return sum;
    }

    /** Folds an unfolded ones' complement sum to 16 bits. */
    static int fold(long sum) {
        sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }

    static int u32(MemorySegment s, long at) {
        return s.get(U32, at);
    }

    static long u64(MemorySegment s, long at) {
        return s.get(U64, at);
    }

    static void put8(MemorySegment s, long at, int value) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) value);
    }

    static void put16(MemorySegment s, long at, int value) {
        s.set(U16, at, (short) value);
    }

    static void put32(MemorySegment s, long at, int value) {
        s.set(U32, at, value);
    }

    static void put64(MemorySegment s, long at, long value) {
        s.set(U64, at, value);
    }
}
