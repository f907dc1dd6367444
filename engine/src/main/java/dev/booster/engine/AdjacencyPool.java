package dev.booster.engine;

import dev.booster.engine.state.Adjacencies;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The adjacencies the FIB routes point to, with stable indices: one per distinct (interface, next-hop MAC), counted
 * by the routes that use it. The FIBs are changed in place, so an index must keep its meaning while a worker may
 * still hold it; {@link ControlModel#commit} therefore acquires every index a change needs before publishing and
 * releases the ones it no longer needs only after the FIBs stopped returning them, and a released index is handed out
 * again only by a later commit (by which time no worker reads a snapshot that predates the release).
 *
 * <p>Control-plane only; the {@link dev.booster.engine.Engine} serializes access.
 */
final class AdjacencyPool {
    /**
     * What an adjacency is: an output interface ({@link Adjacencies#DISCARD} for a drop route) and a MAC, and the
     * tunnel whose headers go around the packet ({@link Adjacencies#NO_TUNNEL} for none).
     */
    record Key(int iface, long mac, int tunnel) {
        static final Key DISCARD = new Key(Adjacencies.DISCARD, 0);

        Key(int iface, long mac) {
            this(iface, mac, Adjacencies.NO_TUNNEL);
        }
    }

    private final Map<Key, Integer> indexByKey = new HashMap<>();
    private int[] interfaces = new int[16];
    private long[] macs = new long[16];
    private int[] tunnels = new int[16];
    private Key[] keys = new Key[16];
    private int[] references = new int[16];
    private int[] free = new int[16];
    private int freeCount;
    private int size;

    /** The index of {@code key}, creating it if no route uses it yet; counts one more route using it. */
    int acquire(Key key) {
        Integer known = indexByKey.get(key);
        int index;
        if (known != null) {
            index = known;
        } else {
            index = freeCount > 0 ? free[--freeCount] : grow();
            interfaces[index] = key.iface();
            macs[index] = key.mac();
            tunnels[index] = key.tunnel();
            keys[index] = key;
            indexByKey.put(key, index);
        }
        references[index]++;
        return index;
    }

    /** Counts one route less using {@code index}; unused, it may be handed out again by a later commit's acquire. */
    void release(int index) {
        if (references[index] <= 0) throw new IllegalStateException("adjacency " + index + " is released more often than acquired");
        if (--references[index] > 0) return;
        indexByKey.remove(keys[index]);
        keys[index] = null;
        free[freeCount++] = index;
    }

    Key key(int index) {
        return keys[index];
    }

    /** Every index handed out so far, free ones keeping their last meaning (a worker may still be using it). */
    Adjacencies snapshot() {
        return Adjacencies.copyOf(interfaces, macs, tunnels, size);
    }

    private int grow() {
        if (size == interfaces.length) {
            int capacity = size * 2;
            interfaces = Arrays.copyOf(interfaces, capacity);
            macs = Arrays.copyOf(macs, capacity);
            tunnels = Arrays.copyOf(tunnels, capacity);
            keys = Arrays.copyOf(keys, capacity);
            references = Arrays.copyOf(references, capacity);
            free = Arrays.copyOf(free, capacity);
        }
        return size++;
    }
}
