package dev.booster.engine.conntrack;

// TEMPORARY stand-in, replaced at merge: a linear-scan flow table with the agreed signatures, so the packet path can
// be built and tested before the real conntrack lands. Lookups are O(capacity); keep capacities small in tests.
public final class Conntrack {
    public static final int NONE = -1;
    public static final int FULL = -2;

    public record Timeouts(long tcpEstablishedNanos, long tcpTransitoryNanos, long udpNanos, long icmpNanos,
                           long otherNanos) {
        public static Timeouts defaults() {
            long s = 1_000_000_000L;
            return new Timeouts(3600 * s, 120 * s, 60 * s, 30 * s, 60 * s);
        }
    }

    private final Timeouts timeouts;
    private final long[] srcHigh, srcLow, dstHigh, dstLow, expiry;
    private final int[] protocol, srcPort, dstPort, tags;
    private final boolean[] used, established;
    private int size;
    private long fullDrops;
    private int expireCursor;

    public Conntrack(int capacity, Timeouts timeouts) {
        this.timeouts = timeouts;
        srcHigh = new long[capacity];
        srcLow = new long[capacity];
        dstHigh = new long[capacity];
        dstLow = new long[capacity];
        expiry = new long[capacity];
        protocol = new int[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];
        tags = new int[capacity];
        used = new boolean[capacity];
        established = new boolean[capacity];
    }

    public int lookup(long sHigh, long sLow, long dHigh, long dLow, int proto, int sPort, int dPort, long nowNanos) {
        for (int i = 0; i < used.length; i++) {
            if (!used[i] || protocol[i] != proto || expiry[i] <= nowNanos) continue;
            if (srcHigh[i] == sHigh && srcLow[i] == sLow && dstHigh[i] == dHigh && dstLow[i] == dLow
                    && srcPort[i] == sPort && dstPort[i] == dPort) return i << 1;
            if (srcHigh[i] == dHigh && srcLow[i] == dLow && dstHigh[i] == sHigh && dstLow[i] == sLow
                    && srcPort[i] == dPort && dstPort[i] == sPort) return (i << 1) | 1;
        }
        return NONE;
    }

    public static boolean isReply(int handle) {
        return (handle & 1) != 0;
    }

    public int create(long sHigh, long sLow, long dHigh, long dLow, int proto, int sPort, int dPort, long nowNanos, int tag) {
        for (int i = 0; i < used.length; i++) {
            if (used[i] && expiry[i] <= nowNanos) {
                used[i] = false;
                size--;
            }
            if (!used[i]) {
                used[i] = true;
                size++;
                srcHigh[i] = sHigh;
                srcLow[i] = sLow;
                dstHigh[i] = dHigh;
                dstLow[i] = dLow;
                protocol[i] = proto;
                srcPort[i] = sPort;
                dstPort[i] = dPort;
                tags[i] = tag;
                established[i] = false;
                expiry[i] = nowNanos + timeout(i);
                return i << 1;
            }
        }
        fullDrops++;
        return FULL;
    }

    public int tag(int handle) {
        return tags[handle >>> 1];
    }

    public void setTag(int handle, int tag) {
        tags[handle >>> 1] = tag;
    }

    public void touch(int handle, long nowNanos, int tcpFlags) {
        int i = handle >>> 1;
        if (isReply(handle)) established[i] = true;
        expiry[i] = nowNanos + timeout(i);
    }

    private long timeout(int i) {
        return switch (protocol[i]) {
            case 6 -> established[i] ? timeouts.tcpEstablishedNanos() : timeouts.tcpTransitoryNanos();
            case 17 -> timeouts.udpNanos();
            case 1, 58 -> timeouts.icmpNanos();
            default -> timeouts.otherNanos();
        };
    }

    public int expire(long nowNanos, int budget) {
        int expired = 0;
        for (int n = 0; n < budget && n < used.length; n++) {
            int i = expireCursor;
            expireCursor = (expireCursor + 1) % used.length;
            if (used[i] && expiry[i] <= nowNanos) {
                used[i] = false;
                size--;
                expired++;
            }
        }
        return expired;
    }

    public int size() {
        return size;
    }

    public long fullDrops() {
        return fullDrops;
    }

    public void clear() {
        java.util.Arrays.fill(used, false);
        size = 0;
    }
}
