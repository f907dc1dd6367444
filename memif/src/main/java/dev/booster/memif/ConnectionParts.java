package dev.booster.memif;

import java.util.ArrayList;
import java.util.List;

/**
 * What a handshake has gathered so far: regions, rings, eventfds. On failure {@link #close} releases all of it; on
 * success a {@link Connection} takes it over.
 */
final class ConnectionParts implements AutoCloseable {
    private final List<Region> regions = new ArrayList<>();
    private final List<RingSpec> s2m = new ArrayList<>();
    private final List<RingSpec> m2s = new ArrayList<>();
    private final List<Integer> eventFds = new ArrayList<>();
    private boolean handedOver;

    List<Region> regions() {
        return regions;
    }

    /** Slave-to-master rings by index (entries may be null until the handshake checks they are contiguous). */
    List<RingSpec> s2m() {
        return s2m;
    }

    List<RingSpec> m2s() {
        return m2s;
    }

    List<Integer> eventFds() {
        return eventFds;
    }

    void addRegion(Region region) {
        regions.add(region);
    }

    Region region(int index) {
        return index < regions.size() ? regions.get(index) : null;
    }

    /** Remembers {@code fd} for closing; returns it. */
    int ownEventFd(int fd) {
        if (fd >= 0) eventFds.add(fd);
        return fd;
    }

    void putRing(boolean slaveToMaster, int index, RingSpec spec) {
        List<RingSpec> rings = slaveToMaster ? s2m : m2s;
        while (rings.size() <= index) rings.add(null);
        rings.set(index, spec);
    }

    RingSpec ring(boolean slaveToMaster, int index) {
        List<RingSpec> rings = slaveToMaster ? s2m : m2s;
        return index < rings.size() ? rings.get(index) : null;
    }

    /** Marks the parts as owned by a connection: {@link #close} then does nothing. */
    void handOver() {
        handedOver = true;
    }

    @Override
    public void close() {
        if (handedOver) return;
        handedOver = true;
        for (int fd : eventFds) Connection.closeQuietly(fd);
        for (Region region : regions) {
            try {
                region.close();
            } catch (RuntimeException e) {
                System.getLogger(ConnectionParts.class.getName()).log(System.Logger.Level.WARNING,
                        "memif: closing region " + region.index() + " failed: " + e.getMessage());
            }
        }
    }
}
