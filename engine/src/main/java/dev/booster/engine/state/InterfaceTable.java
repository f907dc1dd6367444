package dev.booster.engine.state;

import dev.booster.engine.packet.Port;

import java.util.Arrays;

/**
 * The interfaces in one {@link ForwardingState}, indexed by interface index. Immutable once built; the engine builds a
 * new table for every change.
 */
public final class InterfaceTable {
    public static final int NO_ENDPOINT = -1;

    private final Port[] ports;
    private final String[] names;
    private final long[] macs;
    private final int[] endpoints;
    private final boolean[] pods;
    private final int[] present;

    private InterfaceTable(Port[] ports, String[] names, long[] macs, int[] endpoints, boolean[] pods) {
        this.ports = ports;
        this.names = names;
        this.macs = macs;
        this.endpoints = endpoints;
        this.pods = pods;
        this.present = java.util.stream.IntStream.range(0, ports.length).filter(i -> ports[i] != null).toArray();
    }

    public static Builder builder(int capacity) {
        return new Builder(capacity);
    }

    public boolean present(int index) {
        return index >= 0 && index < ports.length && ports[index] != null;
    }

    public Port port(int index) {
        return ports[index];
    }

    public String name(int index) {
        return names[index];
    }

    /** The engine's own MAC on this interface: the gateway MAC pods send to. */
    public long mac(int index) {
        return macs[index];
    }

    /** The policy endpoint id of the pod behind this interface, or {@link #NO_ENDPOINT}. */
    public int endpoint(int index) {
        return endpoints[index];
    }

    /** A pod interface: its sources are checked against the pod's addresses. */
    public boolean isPod(int index) {
        return pods[index];
    }

    /** Indices of the interfaces that exist, ascending (the ports a worker polls). */
    public int[] presentIndices() {
        return present;
    }

    public int capacity() {
        return ports.length;
    }

    public static final class Builder {
        private final Port[] ports;
        private final String[] names;
        private final long[] macs;
        private final int[] endpoints;
        private final boolean[] pods;

        private Builder(int capacity) {
            ports = new Port[capacity];
            names = new String[capacity];
            macs = new long[capacity];
            endpoints = new int[capacity];
            pods = new boolean[capacity];
            Arrays.fill(endpoints, NO_ENDPOINT);
        }

        public Builder set(int index, String name, Port port, long mac, int endpoint, boolean pod) {
            ports[index] = port;
            names[index] = name;
            macs[index] = mac;
            endpoints[index] = endpoint;
            pods[index] = pod;
            return this;
        }

        public InterfaceTable build() {
            return new InterfaceTable(ports.clone(), names.clone(), macs.clone(), endpoints.clone(), pods.clone());
        }
    }
}
