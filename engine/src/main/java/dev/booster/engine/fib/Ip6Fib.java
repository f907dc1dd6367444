package dev.booster.engine.fib;

import dev.booster.api.net.Ip6Address;

import java.util.ArrayList;
import java.util.List;

/**
 * An IPv6 longest-prefix-match table after VPP's ip6 FIB: one hash table per prefix length in use, probed from the
 * longest length down, so a lookup costs one probe per distinct length (a pod network uses a handful: /128, /64, /0).
 *
 * <p>{@link #lookup(long, long)} allocates nothing, takes no lock and may run on any number of threads while one
 * control-plane thread changes routes ({@link #add}/{@link #remove} are serialized by a monitor). A reader always gets
 * the result before or after a concurrent change:
 * <ul>
 *   <li>a route's key is written into an empty slot before its adjacency is stored (release), and a reader only
 *       compares keys after it read (acquire) an adjacency there;</li>
 *   <li>a removed route leaves a tombstone, so no slot ever changes key within one table;</li>
 *   <li>a table that fills up (counting tombstones) is rebuilt into a new one, and the set of tables is published by
 *       one volatile write; the replaced table is never written again.</li>
 * </ul>
 *
 * <p>An address is two longs, the high and the low 64 bits in network order ({@code fd00::1} is
 * {@code high = 0xfd00_0000_0000_0000L, low = 1}).
 */
public final class Ip6Fib {
    public static final int MISS = -1;

    /** Published set of tables, longest prefix length first. */
    private volatile Ip6PrefixTable[] tablesLongestFirst = new Ip6PrefixTable[0];
    private volatile int size;

    // Control-plane state below, guarded by "this".
    private final Ip6PrefixTable[] tablesByLength = new Ip6PrefixTable[129];

    /** The adjacency of the longest prefix containing the address, or {@link #MISS}. Lock- and allocation-free. */
    public int lookup(long high, long low) {
        Ip6PrefixTable[] tables = tablesLongestFirst;
        for (Ip6PrefixTable table : tables) {
            int adjacency = table.get(high & table.maskHigh, low & table.maskLow);
            if (adjacency != MISS) {
                return adjacency;
            }
        }
        return MISS;
    }

    /** Adds {@code high:low/length → adjacency}, replacing the adjacency if the prefix is already present. */
    public synchronized void add(long high, long low, int length, int adjacency) {
        checkPrefix(high, low, length);
        if (adjacency < 0) {
            throw new IllegalArgumentException("adjacency " + adjacency + " for " + format(high, low, length)
                    + " is negative; adjacencies are indexes >= 0 (" + MISS + " means no route)");
        }
        Ip6PrefixTable table = tablesByLength[length];
        if (table == null) {
            table = new Ip6PrefixTable(length, Ip6PrefixTable.MIN_CAPACITY);
            table.put(high, low, adjacency);
            tablesByLength[length] = table;
            publishTables();
            size++;
            return;
        }
        if (table.replace(high, low, adjacency)) {
            return;
        }
        if (!table.hasRoomForInsert()) {
            table = table.rebuiltFor(table.live() + 1);
            tablesByLength[length] = table;
            table.put(high, low, adjacency);
            publishTables();
        } else {
            table.put(high, low, adjacency);
        }
        size++;
    }

    /**
     * Removes {@code high:low/length}; addresses it covered fall back to the longest remaining prefix covering them.
     *
     * @return false when the prefix was not present
     */
    public synchronized boolean remove(long high, long low, int length) {
        checkPrefix(high, low, length);
        Ip6PrefixTable table = tablesByLength[length];
        if (table == null || !table.remove(high, low)) {
            return false;
        }
        size--;
        if (table.live() == 0) {
            tablesByLength[length] = null;
            publishTables();
        }
        return true;
    }

    /** The number of routes. */
    public int size() {
        return size;
    }

    private void publishTables() {
        List<Ip6PrefixTable> active = new ArrayList<>();
        for (int length = 128; length >= 0; length--) {
            if (tablesByLength[length] != null) {
                active.add(tablesByLength[length]);
            }
        }
        tablesLongestFirst = active.toArray(new Ip6PrefixTable[0]);
    }

    private static void checkPrefix(long high, long low, int length) {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("IPv6 prefix length " + length + " is out of range; use 0..128");
        }
        long maskHigh = Ip6PrefixTable.maskHigh(length);
        long maskLow = Ip6PrefixTable.maskLow(length);
        if ((high & ~maskHigh) != 0 || (low & ~maskLow) != 0) {
            throw new IllegalArgumentException("IPv6 prefix " + format(high, low, length) + " has host bits set; did you mean "
                    + format(high & maskHigh, low & maskLow, length) + "?");
        }
    }

    static String format(long high, long low, int length) {
        return new Ip6Address(high, low) + "/" + length;
    }
}
