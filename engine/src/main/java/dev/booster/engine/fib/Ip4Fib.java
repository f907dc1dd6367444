package dev.booster.engine.fib;

// TEMPORARY stand-in, replaced at merge: a linear longest-prefix match with the agreed signatures, so the packet
// path can be built and tested before the real FIB lands. Not for production sizes.
public final class Ip4Fib {
    public static final int MISS = -1;

    private int[] prefixes = new int[16];
    private int[] lengths = new int[16];
    private int[] adjacencies = new int[16];
    private int size;

    public void add(int prefix, int length, int adjacency) {
        int masked = prefix & mask(length);
        for (int i = 0; i < size; i++) {
            if (prefixes[i] == masked && lengths[i] == length) {
                adjacencies[i] = adjacency;
                return;
            }
        }
        if (size == prefixes.length) {
            prefixes = java.util.Arrays.copyOf(prefixes, size * 2);
            lengths = java.util.Arrays.copyOf(lengths, size * 2);
            adjacencies = java.util.Arrays.copyOf(adjacencies, size * 2);
        }
        prefixes[size] = masked;
        lengths[size] = length;
        adjacencies[size] = adjacency;
        size++;
    }

    public boolean remove(int prefix, int length) {
        int masked = prefix & mask(length);
        for (int i = 0; i < size; i++) {
            if (prefixes[i] == masked && lengths[i] == length) {
                size--;
                prefixes[i] = prefixes[size];
                lengths[i] = lengths[size];
                adjacencies[i] = adjacencies[size];
                return true;
            }
        }
        return false;
    }

    public int lookup(int address) {
        int best = MISS;
        int bestLength = -1;
        for (int i = 0; i < size; i++) {
            if (lengths[i] > bestLength && (address & mask(lengths[i])) == prefixes[i]) {
                best = adjacencies[i];
                bestLength = lengths[i];
            }
        }
        return best;
    }

    public int size() {
        return size;
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
