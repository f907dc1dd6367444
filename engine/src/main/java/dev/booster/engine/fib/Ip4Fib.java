package dev.booster.engine.fib;

import dev.booster.api.net.Ip4Address;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An IPv4 longest-prefix-match table: a 16-8-8 multibit trie with leaf pushing, after VPP's {@code ip4_mtrie}.
 *
 * <p>{@link #lookup(int)} reads at most three slots (root, then up to two 256-slot plies), allocates nothing, takes no
 * lock and may run on any number of threads while one control-plane thread changes routes ({@link #add}/{@link #remove}
 * are serialized by a monitor, so several control-plane callers are safe too). A reader always gets either the result
 * before or the result after a concurrent change, for every address:
 * <ul>
 *   <li>a new ply is filled completely before the single slot that points to it is stored (release);</li>
 *   <li>changing a route in place rewrites each affected slot with one atomic int store, old value to new value;</li>
 *   <li>a ply that becomes redundant after a remove is unhooked by one slot store and is not reused while the slot
 *       array that held it is current, because a stalled reader may still be walking it. Plies are recycled only in a
 *       fresh copy of the array, which is published by one volatile write; the old array is never written again.</li>
 * </ul>
 *
 * <p>Every slot of the root and of the plies lives in one {@code int[]}: a value {@code >= MISS} is a leaf (an
 * adjacency or {@link #MISS}), a value below {@code MISS} is the negated offset of a ply in the same array.
 *
 * <p>Addresses and prefixes are ints in network order: 10.0.0.1 is {@code 0x0A000001}.
 */
public final class Ip4Fib {
    public static final int MISS = -1;

    private static final int ROOT_SLOTS = 1 << 16;
    private static final int PLY_SLOTS = 1 << 8;
    private static final int INITIAL_PLY_CAPACITY = 64;
    /** An add can create one level-2 and one level-3 ply. */
    private static final int MAX_NEW_PLIES_PER_ADD = 2;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(int[].class);

    private volatile int[] slots;
    private volatile int size;

    // Control-plane state below, guarded by "this".
    /** Prefix length of the route whose adjacency each leaf slot holds (parallel to {@link #slots}). */
    private byte[] leafLengths;
    private int plyCapacity;
    private int livePlies;
    /** Plies that no slot of the current array points to and no reader can be walking. */
    private int[] freePlies;
    private int freeCount;
    /** Plies unhooked from the current array; a stalled reader may still walk them, so they wait for the next copy. */
    private int[] retiredPlies;
    private int retiredCount;
    @SuppressWarnings("unchecked")
    private final Map<Integer, Integer>[] routesByLength = new Map[33];

    public Ip4Fib() {
        plyCapacity = INITIAL_PLY_CAPACITY;
        int[] initial = new int[ROOT_SLOTS + plyCapacity * PLY_SLOTS];
        Arrays.fill(initial, MISS);
        leafLengths = new byte[initial.length];
        freePlies = new int[plyCapacity];
        for (int ply = plyCapacity - 1; ply >= 0; ply--) {
            freePlies[freeCount++] = ply;
        }
        retiredPlies = new int[plyCapacity];
        for (int length = 0; length <= 32; length++) {
            routesByLength[length] = new HashMap<>();
        }
        slots = initial;
    }

    /** The adjacency of the longest prefix containing {@code address}, or {@link #MISS}. Lock- and allocation-free. */
    public int lookup(int address) {
        int[] table = slots;
        int entry = (int) SLOT.getAcquire(table, address >>> 16);
        if (entry < MISS) {
            entry = (int) SLOT.getAcquire(table, -entry + ((address >>> 8) & 0xFF));
            if (entry < MISS) {
                entry = (int) SLOT.getAcquire(table, -entry + (address & 0xFF));
            }
        }
        return entry;
    }

    /** Adds {@code prefix/length → adjacency}, replacing the adjacency if the prefix is already present. */
    public synchronized void add(int prefix, int length, int adjacency) {
        checkPrefix(prefix, length);
        if (adjacency < 0) {
            throw new IllegalArgumentException("adjacency " + adjacency + " for " + format(prefix, length)
                    + " is negative; adjacencies are indexes >= 0 (" + MISS + " means no route)");
        }
        Integer previous = routesByLength[length].put(prefix, adjacency);
        if (previous == null) {
            size++;
        } else if (previous == adjacency) {
            return;
        }
        ensureFreePlies(MAX_NEW_PLIES_PER_ADD);
        addInPly(slots, 0, 16, prefix, length, adjacency);
    }

    /**
     * Removes {@code prefix/length}; addresses it covered fall back to the longest remaining prefix that covers them.
     *
     * @return false when the prefix was not present
     */
    public synchronized boolean remove(int prefix, int length) {
        checkPrefix(prefix, length);
        Integer removed = routesByLength[length].remove(prefix);
        if (removed == null) {
            return false;
        }
        size--;
        int coverLength = length - 1;
        int coverAdjacency = MISS;
        for (; coverLength >= 0; coverLength--) {
            Integer cover = routesByLength[coverLength].get(prefix & mask(coverLength));
            if (cover != null) {
                coverAdjacency = cover;
                break;
            }
        }
        // With no cover, MISS takes length 0, exactly what an empty slot holds.
        removeInPly(slots, 0, 16, prefix, length, coverAdjacency, Math.max(coverLength, 0));
        return true;
    }

    /** The number of routes. */
    public int size() {
        return size;
    }

    /**
     * Writes {@code prefix/length} into the ply at {@code base} that decides address bits
     * {@code [depth - stride, depth)}.
     */
    private void addInPly(int[] table, int base, int depth, int prefix, int length, int adjacency) {
        int index = slotIndex(prefix, depth);
        if (length <= depth) {
            int covered = 1 << (depth - length);
            for (int slot = base + index; slot < base + index + covered; slot++) {
                pushLeaf(table, slot, length, adjacency);
            }
            return;
        }
        int slot = base + index;
        int entry = table[slot];
        if (entry < MISS) {
            addInPly(table, -entry, depth + 8, prefix, length, adjacency);
            return;
        }
        int child = plyOffset(allocatePly());
        Arrays.fill(table, child, child + PLY_SLOTS, entry);
        Arrays.fill(leafLengths, child, child + PLY_SLOTS, leafLengths[slot]);
        addInPly(table, child, depth + 8, prefix, length, adjacency);
        SLOT.setRelease(table, slot, -child);
    }

    /** Stores a less or equally specific route into {@code slot} and every slot below it it is the best match for. */
    private void pushLeaf(int[] table, int slot, int length, int adjacency) {
        int entry = table[slot];
        if (entry < MISS) {
            int child = -entry;
            for (int childSlot = child; childSlot < child + PLY_SLOTS; childSlot++) {
                pushLeaf(table, childSlot, length, adjacency);
            }
        } else if (leafLengths[slot] <= length) {
            leafLengths[slot] = (byte) length;
            SLOT.setRelease(table, slot, adjacency);
        }
    }

    private void removeInPly(int[] table, int base, int depth, int prefix, int length, int coverAdjacency,
                             int coverLength) {
        int index = slotIndex(prefix, depth);
        if (length <= depth) {
            int covered = 1 << (depth - length);
            for (int slot = base + index; slot < base + index + covered; slot++) {
                replaceLeaf(table, slot, length, coverAdjacency, coverLength);
            }
            return;
        }
        int slot = base + index;
        int entry = table[slot];
        if (entry >= MISS) {
            throw new IllegalStateException("route " + format(prefix, length) + " was registered but has no ply");
        }
        int child = -entry;
        removeInPly(table, child, depth + 8, prefix, length, coverAdjacency, coverLength);
        collapseIfRedundant(table, slot, child, depth);
    }

    /** Replaces the leaves of exactly {@code length} below {@code slot} (the removed route's) with its cover. */
    private void replaceLeaf(int[] table, int slot, int length, int coverAdjacency, int coverLength) {
        int entry = table[slot];
        if (entry < MISS) {
            int child = -entry;
            for (int childSlot = child; childSlot < child + PLY_SLOTS; childSlot++) {
                replaceLeaf(table, childSlot, length, coverAdjacency, coverLength);
            }
        } else if (leafLengths[slot] == length) {
            leafLengths[slot] = (byte) coverLength;
            SLOT.setRelease(table, slot, coverAdjacency);
        }
    }

    /**
     * A ply whose leaves all come from routes no longer than the bits above it ({@code parentDepth}) holds one value
     * everywhere (the single best route covering its whole range), so its parent slot can hold that leaf instead.
     */
    private void collapseIfRedundant(int[] table, int parentSlot, int child, int parentDepth) {
        for (int slot = child; slot < child + PLY_SLOTS; slot++) {
            if (table[slot] < MISS || leafLengths[slot] > parentDepth) {
                return;
            }
        }
        leafLengths[parentSlot] = leafLengths[child];
        SLOT.setRelease(table, parentSlot, table[child]);
        retiredPlies[retiredCount++] = (child - ROOT_SLOTS) / PLY_SLOTS;
        livePlies--;
    }

    private int allocatePly() {
        livePlies++;
        return freePlies[--freeCount];
    }

    /**
     * Makes sure {@code needed} plies can be allocated from the current array, else publishes a copy in which the
     * retired plies are free again (nobody can reach them through the copy) and which grows when most plies are live.
     */
    private void ensureFreePlies(int needed) {
        if (freeCount >= needed) {
            return;
        }
        int oldCapacity = plyCapacity;
        int newCapacity = Math.max(oldCapacity, 2 * (livePlies + needed));
        if ((long) ROOT_SLOTS + (long) newCapacity * PLY_SLOTS > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("IPv4 FIB is out of trie plies (" + livePlies
                    + " in use); the routes spread over too many distinct /16 and /24 blocks");
        }
        int[] copy = Arrays.copyOf(slots, ROOT_SLOTS + newCapacity * PLY_SLOTS);
        leafLengths = Arrays.copyOf(leafLengths, copy.length);
        int[] free = new int[newCapacity];
        int count = 0;
        for (int ply = newCapacity - 1; ply >= oldCapacity; ply--) {
            free[count++] = ply;
        }
        for (int i = 0; i < retiredCount; i++) {
            free[count++] = retiredPlies[i];
        }
        for (int i = 0; i < freeCount; i++) {
            free[count++] = freePlies[i];
        }
        freePlies = free;
        freeCount = count;
        retiredPlies = new int[newCapacity];
        retiredCount = 0;
        plyCapacity = newCapacity;
        slots = copy;
    }

    private static int plyOffset(int ply) {
        return ROOT_SLOTS + ply * PLY_SLOTS;
    }

    /** Index within the ply deciding the bits just above {@code depth}: 16 bits for the root, 8 for the others. */
    private static int slotIndex(int prefix, int depth) {
        return depth == 16 ? prefix >>> 16 : (prefix >>> (32 - depth)) & 0xFF;
    }

    static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private static void checkPrefix(int prefix, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + length + " is out of range; use 0..32");
        }
        if ((prefix & ~mask(length)) != 0) {
            throw new IllegalArgumentException("IPv4 prefix " + format(prefix, length)
                    + " has host bits set; did you mean " + format(prefix & mask(length), length) + "?");
        }
    }

    private static String format(int prefix, int length) {
        return new Ip4Address(prefix) + "/" + length;
    }
}
