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
