package dev.booster.engine.policy;

/**
 * The rules of one (endpoint, direction) compiled for lookup, shared by every endpoint with the same rules.
 *
 * <p>Rows are the rule entries in priority order (tier, policy, rule). Each key space (IPv4 peer, IPv6 peer, and
 * the ports of TCP, UDP and SCTP) is cut into intervals, each carrying the bitset of rows that match there; a packet
 * costs one binary search per dimension and an AND of two bitsets that stops at the first common row. The bitsets
 * carry a one-bit-per-word summary, so the AND visits only words non-zero in both. Tiers are contiguous row ranges:
 * a Pass row restarts the search at the next tier's first row, a tier without a matching row denies.
 *
 * <p>Per packet: no allocation, no boxing, no exceptions.
 */
final class RuleClassifier {
    static final byte ALLOW = 0;
    static final byte DENY = 1;
    static final byte PASS = 2;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;

    private final int summaryWords;
    private final long[] bitsets;
    private final int[] ip4Starts;
    private final int[] ip4Bitsets;
    private final long[] ip6StartHigh;
    private final long[] ip6StartLow;
    private final int[] ip6Bitsets;
    private final int[] tcpStarts;
    private final int[] tcpBitsets;
    private final int[] udpStarts;
    private final int[] udpBitsets;
    private final int[] sctpStarts;
    private final int[] sctpBitsets;
    private final int otherProtocolBitset;
    private final int[] tierFirstRow;
    private final int[] tierEndRow;
    private final int[] tierEndRule;
    private final int[] rowRule;
    private final byte[] rowAction;

    /**
     * @param ip4Starts    interval starts with the sign bit flipped (so signed order is address order)
     * @param ip6StartHigh interval starts' high words, sign bit flipped; likewise {@code ip6StartLow}
     * @param tcpStarts    port interval starts (signed ints, first {@link Integer#MIN_VALUE}); likewise UDP, SCTP
     */
    RuleClassifier(int summaryWords, long[] bitsets, int[] ip4Starts, int[] ip4Bitsets,
                   long[] ip6StartHigh, long[] ip6StartLow, int[] ip6Bitsets,
                   int[] tcpStarts, int[] tcpBitsets, int[] udpStarts, int[] udpBitsets,
                   int[] sctpStarts, int[] sctpBitsets, int otherProtocolBitset,
                   int[] tierFirstRow, int[] tierEndRow, int[] tierEndRule, int[] rowRule, byte[] rowAction) {
        this.summaryWords = summaryWords;
        this.bitsets = bitsets;
        this.ip4Starts = ip4Starts;
        this.ip4Bitsets = ip4Bitsets;
        this.ip6StartHigh = ip6StartHigh;
        this.ip6StartLow = ip6StartLow;
        this.ip6Bitsets = ip6Bitsets;
        this.tcpStarts = tcpStarts;
        this.tcpBitsets = tcpBitsets;
        this.udpStarts = udpStarts;
        this.udpBitsets = udpBitsets;
        this.sctpStarts = sctpStarts;
        this.sctpBitsets = sctpBitsets;
        this.otherProtocolBitset = otherProtocolBitset;
        this.tierFirstRow = tierFirstRow;
        this.tierEndRow = tierEndRow;
        this.tierEndRule = tierEndRule;
        this.rowRule = rowRule;
        this.rowAction = rowAction;
    }

    int classify4(int peer, int protocol, int port) {
        int peerBitset = ip4Bitsets[floor(ip4Starts, peer ^ Integer.MIN_VALUE)];
        return decide(peerBitset, portBitset(protocol, port));
    }

    int classify6(long peerHigh, long peerLow, int protocol, int port) {
        int peerBitset = ip6Bitsets[floor(ip6StartHigh, ip6StartLow, peerHigh ^ Long.MIN_VALUE, peerLow ^ Long.MIN_VALUE)];
        return decide(peerBitset, portBitset(protocol, port));
    }

    int rows() {
        return rowRule.length;
    }

    /** Heap bytes of the lookup arrays (estimated from their lengths). */
    long footprintBytes() {
        return 8L * (bitsets.length + ip6StartHigh.length + ip6StartLow.length)
                + 4L * (ip4Starts.length + ip4Bitsets.length + ip6Bitsets.length + tcpStarts.length + tcpBitsets.length
                + udpStarts.length + udpBitsets.length + sctpStarts.length + sctpBitsets.length
                + 3L * tierFirstRow.length + rowRule.length) + rowAction.length;
    }

    private int portBitset(int protocol, int port) {
        return switch (protocol) {
            case TCP -> tcpBitsets[floor(tcpStarts, port)];
            case UDP -> udpBitsets[floor(udpStarts, port)];
            case SCTP -> sctpBitsets[floor(sctpStarts, port)];
            default -> otherProtocolBitset;
        };
    }

    private int decide(int peerBitset, int portBitset) {
        int lastPass = -1;
        for (int tier = 0; tier < tierFirstRow.length; tier++) {
            int row = firstCommonRow(peerBitset, portBitset, tierFirstRow[tier], tierEndRow[tier]);
            if (row < 0) return Verdict.deny(tierEndRule[tier]);
            switch (rowAction[row]) {
                case ALLOW -> {
                    return Verdict.allow(rowRule[row]);
                }
                case DENY -> {
                    return Verdict.deny(rowRule[row]);
                }
                default -> lastPass = rowRule[row];
            }
        }
        return Verdict.allow(lastPass);
    }

    /** The first row in {@code from..end-1} set in both bitsets, or -1. */
    private int firstCommonRow(int a, int b, int from, int end) {
        if (from >= end) return -1;
        int firstWord = from >>> 6;
        int lastWord = (end - 1) >>> 6;
        int summary = firstWord >>> 6;
        int lastSummary = lastWord >>> 6;
        long[] bits = bitsets;
        long candidates = bits[a + summary] & bits[b + summary] & (-1L << firstWord);
        while (true) {
            while (candidates != 0) {
                int word = (summary << 6) | Long.numberOfTrailingZeros(candidates);
                if (word > lastWord) return -1;
                long common = bits[a + summaryWords + word] & bits[b + summaryWords + word];
                if (word == firstWord) common &= -1L << from;
                if (common != 0) {
                    int row = (word << 6) | Long.numberOfTrailingZeros(common);
                    return row < end ? row : -1;
                }
                candidates &= candidates - 1;
            }
            if (++summary > lastSummary) return -1;
            candidates = bits[a + summary] & bits[b + summary];
        }
    }

    /** The index of the last start not above {@code key}; {@code starts[0]} is the minimum, so there is one. */
    private static int floor(int[] starts, int key) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= key) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private static int floor(long[] startHigh, long[] startLow, long keyHigh, long keyLow) {
        int lo = 0;
        int hi = startHigh.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (startHigh[mid] < keyHigh || (startHigh[mid] == keyHigh && startLow[mid] <= keyLow)) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
