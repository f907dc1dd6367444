package dev.booster.engine.packet;

/** The Internet checksum (RFC 1071) over packet memory, and its incremental update (RFC 1624). */
public final class Checksum {
    private Checksum() {
    }

    /** Adds the big-endian 16-bit words of {@code length} bytes to {@code sum}; an odd last byte is padded with zero. */
    public static long add(long sum, long address, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long w = PacketMemory.u64(address + i);
            sum += (w >>> 48) + ((w >>> 32) & 0xffff) + ((w >>> 16) & 0xffff) + (w & 0xffff);
        }
        for (; i + 2 <= length; i += 2) sum += PacketMemory.u16(address + i);
        if (i < length) sum += PacketMemory.u8(address + i) << 8;
        return sum;
    }

    /** Adds the four 16-bit words of a 64-bit value (half of an IPv6 address, for pseudo-headers). */
    public static long add64(long sum, long value) {
        return sum + (value >>> 48) + ((value >>> 32) & 0xffff) + ((value >>> 16) & 0xffff) + (value & 0xffff);
    }

    /** Folds carries into 16 bits. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum to store for a sum computed with the checksum field zeroed. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** True when a sum taken over data that includes its checksum field verifies. */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xffff;
    }

    /** RFC 1624 eqn. 3: the new checksum after one 16-bit word changed from {@code oldWord} to {@code newWord}. */
    public static int update(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** Sum of the IPv6 pseudo-header (RFC 8200 section 8.1) at {@code ip6} for an upper layer of {@code length} bytes. */
    public static long ip6PseudoHeader(long ip6, int length, int nextHeader) {
        long sum = add(0, ip6 + 8, 32);
        return sum + (length >>> 16) + (length & 0xffff) + nextHeader;
    }
}
