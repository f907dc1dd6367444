package dev.booster.engine.state;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.engine.TunnelConfig;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.EspInbound;

import java.util.ArrayList;
import java.util.List;

/**
 * The tunnels in one {@link ForwardingState}, by tunnel index (what a tunnel adjacency names), and the two lookups
 * the packet path makes: "is this destination a local tunnel end?" (a handful of addresses, scanned) and "which
 * tunnel comes from this source?" (open addressing over the remote addresses, no boxing). When two tunnels have the
 * same remote address (a replacement in progress) the one added last wins.
 * Immutable once built.
 */
public final class TunnelTable {
    public static final TunnelTable EMPTY = new Builder(0).build();
    public static final int NONE = -1;

    private final TunnelConfig.Kind[] kinds;
    private final boolean[] ip6;
    private final int[] uplinks;
    private final long[] nextHops;
    private final int[] vnis;
    private final int[] innerMtus;
    private final int[] local4;
    private final int[] remote4;
    private final long[] localHigh;
    private final long[] localLow;
    private final long[] remoteHigh;
    private final long[] remoteLow;
    private final EspEncryptor[] encryptors;
    private final EspInbound[] inbound;
    private final int[] locals4;
    private final long[] locals6;
    // Open addressing by remote address: tunnel index + 1 (0 = empty slot).
    private final int[] byRemote;
    private final int mask;

    private TunnelTable(Builder b) {
        int n = b.configs.length;
        kinds = new TunnelConfig.Kind[n];
        ip6 = new boolean[n];
        uplinks = new int[n];
        nextHops = new long[n];
        vnis = new int[n];
        innerMtus = new int[n];
        local4 = new int[n];
        remote4 = new int[n];
        localHigh = new long[n];
        localLow = new long[n];
        remoteHigh = new long[n];
        remoteLow = new long[n];
        encryptors = new EspEncryptor[n];
        inbound = new EspInbound[n];
        List<Integer> l4 = new ArrayList<>();
        List<Long> l6 = new ArrayList<>();
        int size = Integer.highestOneBit(Math.max(4, n * 2) - 1) << 1;
        byRemote = new int[size];
        mask = size - 1;
        for (int t = 0; t < n; t++) {
            TunnelConfig c = b.configs[t];
            if (c == null) continue;
            kinds[t] = c.kind();
            uplinks[t] = c.uplink();
            nextHops[t] = c.nextHop().bits();
            vnis[t] = c.vni();
            innerMtus[t] = c.innerMtu();
            TunnelEsp esp = b.esp[t] == null ? TunnelEsp.EMPTY : b.esp[t];
            encryptors[t] = esp.outbound();
            inbound[t] = esp.inbound();
            switch (c.local()) {
                case Ip4Address a -> {
                    local4[t] = a.bits();
                    if (!l4.contains(a.bits())) l4.add(a.bits());
                }
                case Ip6Address a -> {
                    ip6[t] = true;
                    localHigh[t] = a.high();
                    localLow[t] = a.low();
                    if (!contains6(l6, a.high(), a.low())) {
                        l6.add(a.high());
                        l6.add(a.low());
                    }
                }
            }
            switch (c.remote()) {
                case Ip4Address a -> remote4[t] = a.bits();
                case Ip6Address a -> {
                    remoteHigh[t] = a.high();
                    remoteLow[t] = a.low();
                }
            }
        }
        locals4 = l4.stream().mapToInt(Integer::intValue).toArray();
        locals6 = l6.stream().mapToLong(Long::longValue).toArray();
        for (int t : b.order) {
            int slot = hash(ip6[t], remote4[t], remoteHigh[t], remoteLow[t]) & mask;
            while (byRemote[slot] != 0 && !sameRemote(byRemote[slot] - 1, t)) slot = slot + 1 & mask;
            byRemote[slot] = t + 1; // later (newer) tunnels replace earlier ones to the same remote
        }
    }

    private static boolean contains6(List<Long> l6, long high, long low) {
        for (int i = 0; i < l6.size(); i += 2) if (l6.get(i) == high && l6.get(i + 1) == low) return true;
        return false;
    }

    private boolean sameRemote(int a, int b) {
        return ip6[a] == ip6[b] && remote4[a] == remote4[b] && remoteHigh[a] == remoteHigh[b] && remoteLow[a] == remoteLow[b];
    }

    private static int hash(boolean ip6, int v4, long high, long low) {
        long k = ip6 ? high * 0x9E3779B97F4A7C15L ^ low : v4;
        int h = (int) (k ^ k >>> 32) * 0x9E3779B9;
        return h ^ h >>> 16;
    }

    public int size() {
        return kinds.length;
    }

    public boolean present(int tunnel) {
        return tunnel >= 0 && tunnel < kinds.length && kinds[tunnel] != null;
    }

    public boolean isEmpty() {
        return locals4.length == 0 && locals6.length == 0;
    }

    /** Whether {@code dst} is the local end of an IPv4 tunnel. */
    public boolean isLocal4(int dst) {
        for (int a : locals4) if (a == dst) return true;
        return false;
    }

    public boolean isLocal6(long high, long low) {
        for (int i = 0; i < locals6.length; i += 2) if (locals6[i] == high && locals6[i + 1] == low) return true;
        return false;
    }

    /** The tunnel whose remote end is IPv4 {@code src}, or {@link #NONE}. */
    public int fromRemote4(int src) {
        for (int slot = hash(false, src, 0, 0) & mask; byRemote[slot] != 0; slot = slot + 1 & mask) {
            int t = byRemote[slot] - 1;
            if (!ip6[t] && remote4[t] == src) return t;
        }
        return NONE;
    }

    /** The tunnel whose remote end is IPv6 {@code high:low}, or {@link #NONE}. */
    public int fromRemote6(long high, long low) {
        for (int slot = hash(true, 0, high, low) & mask; byRemote[slot] != 0; slot = slot + 1 & mask) {
            int t = byRemote[slot] - 1;
            if (ip6[t] && remoteHigh[t] == high && remoteLow[t] == low) return t;
        }
        return NONE;
    }

    public TunnelConfig.Kind kind(int t) {
        return kinds[t];
    }

    public boolean outerIp6(int t) {
        return ip6[t];
    }

    public int uplink(int t) {
        return uplinks[t];
    }

    public long nextHop(int t) {
        return nextHops[t];
    }

    public int vni(int t) {
        return vnis[t];
    }

    public int innerMtu(int t) {
        return innerMtus[t];
    }

    public int local4(int t) {
        return local4[t];
    }

    public int remote4(int t) {
        return remote4[t];
    }

    public long localHigh(int t) {
        return localHigh[t];
    }

    public long localLow(int t) {
        return localLow[t];
    }

    public long remoteHigh(int t) {
        return remoteHigh[t];
    }

    public long remoteLow(int t) {
        return remoteLow[t];
    }

    /** The outbound SA's encryptor of an ESP tunnel, or null while it has none. */
    public EspEncryptor encryptor(int t) {
        return encryptors[t];
    }

    public EspInbound inbound(int t) {
        return inbound[t];
    }

    public static Builder builder(int capacity) {
        return new Builder(capacity);
    }

    public static final class Builder {
        private final TunnelConfig[] configs;
        private final TunnelEsp[] esp;
        private final List<Integer> order = new ArrayList<>();

        private Builder(int capacity) {
            configs = new TunnelConfig[capacity];
            esp = new TunnelEsp[capacity];
        }

        /** Adds tunnel {@code t}; call in the order the tunnels were added (the latest to a remote wins the lookup). */
        public Builder set(int t, TunnelConfig config, TunnelEsp tunnelEsp) {
            configs[t] = config;
            esp[t] = tunnelEsp;
            order.add(t);
            return this;
        }

        public TunnelTable build() {
            return new TunnelTable(this);
        }
    }
}
