package dev.booster.engine.policy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the one {@code long[]} that holds every distinct row bitset of a classifier. Each bitset is stored as a
 * summary (bit {@code w} set when word {@code w} has any bit set) followed by its words, so the per-packet AND can
 * skip words that are zero in either operand; identical bitsets are stored once.
 */
final class BitsetPool {
    private final int words;
    private final int summaryWords;
    private final Map<Key, Integer> offsets = new HashMap<>();
    private long[] pool;
    private int size;

    BitsetPool(int rows) {
        this.words = Math.max(1, (rows + 63) >>> 6);
        this.summaryWords = (words + 63) >>> 6;
        this.pool = new long[16 * (words + summaryWords)];
    }

    int words() {
        return words;
    }

    int summaryWords() {
        return summaryWords;
    }

    /** The offset of a bitset equal to {@code bits} ({@link #words()} long), adding it when it is new. */
    int intern(long[] bits) {
        Integer known = offsets.get(new Key(bits));
        if (known != null) return known;
        int stride = summaryWords + words;
        if ((long) size + stride > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("classifier bitsets exceed " + (Integer.MAX_VALUE - 8) + " words");
        }
        if (size + stride > pool.length) pool = Arrays.copyOf(pool, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size + stride, 2L * pool.length)));
        int offset = size;
        for (int w = 0; w < words; w++) {
            if (bits[w] != 0) pool[offset + (w >>> 6)] |= 1L << w;
        }
        System.arraycopy(bits, 0, pool, offset + summaryWords, words);
        size += stride;
        offsets.put(new Key(bits.clone()), offset);
        return offset;
    }

    int distinctBitsets() {
        return offsets.size();
    }

    long[] toArray() {
        return Arrays.copyOf(pool, size);
    }

    private record Key(long[] bits) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key(long[] other) && Arrays.equals(bits, other);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }
}
