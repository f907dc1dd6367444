package dev.booster.engine.frame;

/** The Internet checksum over byte arrays, written independently of the engine's so tests check it. */
public final class Checksums {
    private Checksums() {
    }

    public static long sum(byte[] b, int from, int length, long sum) {
        for (int i = 0; i < length; i += 2) {
            int hi = b[from + i] & 0xff;
            int lo = i + 1 < length ? b[from + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        return sum;
    }

    public static int finish(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /** True when the IPv4 header at {@code offset} carries a correct checksum. */
    public static boolean ip4HeaderValid(byte[] frame, int offset) {
        int length = (frame[offset] & 0xf) * 4;
        return finish(sum(frame, offset, length, 0)) == 0;
    }

    /** Recomputes the IPv4 header checksum at {@code offset} (after a test edited the header). */
    public static void fixIp4Header(byte[] frame, int offset) {
        int length = Math.min((frame[offset] & 0xf) * 4, frame.length - offset);
        frame[offset + 10] = 0;
        frame[offset + 11] = 0;
        int c = finish(sum(frame, offset, length, 0));
        frame[offset + 10] = (byte) (c >>> 8);
        frame[offset + 11] = (byte) c;
    }

    /** True when the ICMPv6 (or other upper layer) checksum of an IPv6 frame without extension headers verifies. */
    public static boolean ip6UpperValid(byte[] frame) {
        int payload = ((frame[18] & 0xff) << 8) | (frame[19] & 0xff);
        long sum = sum(frame, 22, 32, 0) + payload + (frame[20] & 0xff);
        return finish(sum(frame, 54, payload, sum)) == 0;
    }

    /** True when the ICMPv4 checksum of an IPv4 frame verifies. */
    public static boolean icmp4Valid(byte[] frame) {
        int ihl = (frame[14] & 0xf) * 4;
        int total = ((frame[16] & 0xff) << 8) | (frame[17] & 0xff);
        return finish(sum(frame, 14 + ihl, total - ihl, 0)) == 0;
    }

    /** Recomputes the upper-layer checksum at {@code checksumAt} of an IPv6 frame without extension headers. */
    public static void fixIp6Upper(byte[] frame, int checksumAt) {
        frame[checksumAt] = 0;
        frame[checksumAt + 1] = 0;
        int payload = ((frame[18] & 0xff) << 8) | (frame[19] & 0xff);
        long sum = sum(frame, 22, 32, 0) + payload + (frame[20] & 0xff);
        int c = finish(sum(frame, 54, payload, sum));
        frame[checksumAt] = (byte) (c >>> 8);
        frame[checksumAt + 1] = (byte) c;
    }
}
