package dev.booster.engine.fib;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The routes of one IPv6 prefix length: open addressing with linear probing, readable by many threads while one
 * writer changes it. A slot goes EMPTY → live (key first, then the adjacency with release) → TOMBSTONE and never back,
 * so a reader that saw an adjacency in a slot also sees that slot's key, and a probe ending at an EMPTY slot cannot
 * have skipped the key it looks for. Tombstones are dropped by rebuilding into a new table ({@link #rebuiltFor}).
 */
final class Ip6PrefixTable {
    static final int MIN_CAPACITY = 16;
    private static final int EMPTY = Ip6Fib.MISS;
    private static final int TOMBSTONE = -2;
    private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(int[].class);

    final int length;
    final long maskHigh;
    final long maskLow;
    /** Slot i's key is at {@code 2i} (high bits) and {@code 2i + 1} (low bits). */
    private final long[] keys;
    private final int[] values;
    private final int indexMask;

    // Writer-only counters.
    private int live;
    private int occupied;

    Ip6PrefixTable(int length, int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < MIN_CAPACITY) {
            throw new IllegalArgumentException("table capacity " + capacity + " must be a power of two >= " + MIN_CAPACITY);
        }
        this.length = length;
        this.maskHigh = maskHigh(length);
        this.maskLow = maskLow(length);
        this.keys = new long[2 * capacity];
        this.values = new int[capacity];
        Arrays.fill(values, EMPTY);
        this.indexMask = capacity - 1;
    }

    /** The adjacency stored for this exact (already masked) prefix, or {@link Ip6Fib#MISS}. */
    int get(long high, long low) {
        int slot = hash(high, low) & indexMask;
        while (true) {
            int value = (int) VALUE.getAcquire(values, slot);
            if (value == EMPTY) {
                return Ip6Fib.MISS;
            }
            if (value >= 0 && keys[2 * slot] == high && keys[2 * slot + 1] == low) {
                return value;
            }
            slot = (slot + 1) & indexMask;
        }
    }

    /** Replaces the adjacency of a present prefix; false when the prefix is absent. */
    boolean replace(long high, long low, int adjacency) {
        int slot = find(high, low);
        if (slot < 0) {
            return false;
        }
        VALUE.setRelease(values, slot, adjacency);
        return true;
    }

    /** Inserts an absent prefix; the caller checked {@link #hasRoomForInsert()}. */
    void put(long high, long low, int adjacency) {
        int slot = hash(high, low) & indexMask;
        while (values[slot] != EMPTY) {
            slot = (slot + 1) & indexMask;
        }
        keys[2 * slot] = high;
        keys[2 * slot + 1] = low;
        VALUE.setRelease(values, slot, adjacency);
        live++;
        occupied++;
    }

    boolean remove(long high, long low) {
        int slot = find(high, low);
        if (slot < 0) {
            return false;
        }
        VALUE.setRelease(values, slot, TOMBSTONE);
        live--;
        return true;
    }

    /** Keeps live entries plus tombstones at or below half the slots, so probes stay short and always end. */
    boolean hasRoomForInsert() {
        return 2 * (occupied + 1) <= values.length;
    }

    int live() {
        return live;
    }

    /** A new table with this one's live routes and room for {@code routes} at a quarter load. */
    Ip6PrefixTable rebuiltFor(int routes) {
        int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, routes * 4 - 1)) << 1);
        Ip6PrefixTable rebuilt = new Ip6PrefixTable(length, capacity);
        for (int slot = 0; slot < values.length; slot++) {
            if (values[slot] >= 0) {
                rebuilt.put(keys[2 * slot], keys[2 * slot + 1], values[slot]);
            }
        }
        return rebuilt;
    }

    private int find(long high, long low) {
        int slot = hash(high, low) & indexMask;
        while (true) {
            int value = values[slot];
            if (value == EMPTY) {
                return -1;
            }
            if (value >= 0 && keys[2 * slot] == high && keys[2 * slot + 1] == low) {
                return slot;
            }
            slot = (slot + 1) & indexMask;
        }
    }

    private static int hash(long high, long low) {
        long h = high * 0x9E37_79B9_7F4A_7C15L ^ Long.rotateLeft(low * 0xC2B2_AE3D_27D4_EB4FL, 31);
        h = (h ^ (h >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return (int) (h ^ (h >>> 33));
    }

    static long maskHigh(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    static long maskLow(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }
}
