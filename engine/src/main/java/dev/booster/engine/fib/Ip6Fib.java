package dev.booster.engine.fib;

// TEMPORARY stand-in, replaced at merge: a linear longest-prefix match with the agreed signatures, so the packet
// path can be built and tested before the real FIB lands. Not for production sizes.
public final class Ip6Fib {
    public static final int MISS = -1;

    private long[] highs = new long[16];
    private long[] lows = new long[16];
    private int[] lengths = new int[16];
    private int[] adjacencies = new int[16];
    private int size;

    public void add(long high, long low, int length, int adjacency) {
        long h = high & highMask(length);
        long l = low & lowMask(length);
        for (int i = 0; i < size; i++) {
            if (highs[i] == h && lows[i] == l && lengths[i] == length) {
                adjacencies[i] = adjacency;
                return;
            }
        }
        if (size == highs.length) {
            highs = java.util.Arrays.copyOf(highs, size * 2);
            lows = java.util.Arrays.copyOf(lows, size * 2);
            lengths = java.util.Arrays.copyOf(lengths, size * 2);
            adjacencies = java.util.Arrays.copyOf(adjacencies, size * 2);
        }
        highs[size] = h;
        lows[size] = l;
        lengths[size] = length;
        adjacencies[size] = adjacency;
        size++;
    }

    public boolean remove(long high, long low, int length) {
        long h = high & highMask(length);
        long l = low & lowMask(length);
        for (int i = 0; i < size; i++) {
            if (highs[i] == h && lows[i] == l && lengths[i] == length) {
                size--;
                highs[i] = highs[size];
                lows[i] = lows[size];
                lengths[i] = lengths[size];
                adjacencies[i] = adjacencies[size];
                return true;
            }
        }
        return false;
    }

    public int lookup(long high, long low) {
        int best = MISS;
        int bestLength = -1;
        for (int i = 0; i < size; i++) {
            int len = lengths[i];
            if (len > bestLength && (high & highMask(len)) == highs[i] && (low & lowMask(len)) == lows[i]) {
                best = adjacencies[i];
                bestLength = len;
            }
        }
        return best;
    }

    public int size() {
        return size;
    }

    private static long highMask(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    private static long lowMask(int length) {
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }
}
