package dev.booster.engine.graph;

import dev.booster.engine.DropReason;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.StateHolder;
import dev.booster.engine.trace.TraceControl;
import dev.booster.engine.trace.TraceRequest;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Runs the graph on one thread, VPP style: receive a vector from the ports, then repeatedly hand each node the frame
 * of packets waiting for it and sort the packets it processed into the frames of their next nodes, until every packet
 * has been transmitted or dropped. No locks: everything here belongs to this worker alone.
 */
public final class Worker {
    /** Passes over the graph after which packets still inside are a bug; they are dropped as graph-loop. */
    private static final int MAX_PASSES = 16;
    private static final int EXPIRY_BUDGET = 64;
    /** {@link #inUse} between vectors: the worker holds no state. */
    private static final long IDLE = 0;
    /** {@link #inUse} while the worker picks up a state whose version it has not written yet. */
    private static final long ENTERING = -1;
    private static final int SPINS_BEFORE_PARKING = 1000;
    private static final long PARK_NANOS = 10_000;

    private final int id;
    private final Graph graph;
    private final StateHolder states;
    private final NodeContext ctx;
    private final LongSupplier clock;
    private final TraceControl tracing;
    private final PacketVector packets = new PacketVector();
    private final Frame[] pending;
    private Frame spare = new Frame();
    private int firstPort;
    private int clearsSeen;
    /**
     * The version of the state this worker's current vector reads, {@link #IDLE} or {@link #ENTERING}: how the control
     * plane knows when no packet can see an older state any more ({@link #awaitVersion}). Written three times per
     * vector, not per packet.
     */
    private volatile long inUse = IDLE;
    /** The thread in {@link #poll()} (stale when idle; compared only after {@link #inUse} says a vector runs). */
    private Thread polling;

    public Worker(int id, Graph graph, StateHolder states, NodeContext ctx, LongSupplier clock, TraceControl tracing) {
        this.id = id;
        this.graph = graph;
        this.states = states;
        this.ctx = ctx;
        this.clock = clock;
        this.tracing = tracing;
        this.pending = new Frame[graph.size()];
        for (int i = 0; i < pending.length; i++) pending[i] = new Frame();
    }

    public int id() {
        return id;
    }

    public NodeContext context() {
        return ctx;
    }

    /** Receives one vector from this worker's ports and runs it to completion; returns the packets received. */
    public int poll() {
        polling = Thread.currentThread();
        // A volatile store then a volatile load: awaitVersion either sees ENTERING, or this poll sees its state.
        inUse = ENTERING;
        try {
            ForwardingState state = states.get();
            inUse = state.version();
            ctx.state = state;
            ctx.now = clock.getAsLong();
            ctx.counters.ensureRuleCounters(state.ruleCounters());
            followTraceClears();
            int received = receive(state.interfaces());
            if (received > 0) {
                trace(state);
                Frame entry = pending[graph.entry()];
                for (int s = 0; s < received; s++) entry.add(s);
                run();
            }
            packets.clear();
            ctx.conntrack.expire(ctx.now, EXPIRY_BUDGET);
            return received;
        } finally {
            inUse = IDLE;
        }
    }

    /**
     * Returns once this worker reads no {@link ForwardingState} older than {@code version} (which must have been
     * published): it is between vectors, or in one that started with that state or a newer one. The control plane
     * calls this before changing what shared tables (the FIBs) return, so that no packet pairs a new FIB result with
     * an old state. Waits at most about one vector.
     *
     * @throws IllegalStateException when called from inside this worker's vector (a port calling the control plane),
     *                               which would wait for itself
     */
    public void awaitVersion(long version) {
        for (int spins = 0; ; spins++) {
            long reading = inUse;
            if (reading == IDLE || reading >= version) return;
            if (polling == Thread.currentThread()) {
                throw new IllegalStateException("a control change was made from inside worker " + id
                        + "'s vector (e.g. by a Port); make it from another thread");
            }
            if (spins < SPINS_BEFORE_PARKING) Thread.onSpinWait();
            else LockSupport.parkNanos(PARK_NANOS);
        }
    }

    private int receive(InterfaceTable interfaces) {
        int[] ports = interfaces.presentIndices();
        int n = ports.length;
        if (n == 0) return 0;
        int start = firstPort++ % n;
        if (firstPort == Integer.MAX_VALUE) firstPort = 0;
        for (int k = 0; k < n && packets.free() > 0; k++) {
            int iface = ports[(start + k) % n];
            Port port = interfaces.port(iface);
            int before = packets.count();
            port.rx(packets, packets.free());
            for (int s = before; s < packets.count(); s++) {
                packets.rxInterface[s] = iface;
                ctx.counters.rxPackets[iface]++;
                ctx.counters.rxBytes[iface] += packets.length[s];
            }
        }
        return packets.count();
    }

    private void trace(ForwardingState state) {
        TraceRequest request = tracing.request();
        if (request == null || request.exhausted()) return;
        for (int s = 0; s < packets.count(); s++) {
            if (request.claim(packets.data[s], packets.length[s], packets.rxInterface[s])) {
                packets.trace[s] = ctx.traces.start(packets.data[s], packets.length[s], packets.rxInterface[s], ctx.now, state);
            }
        }
    }

    private void followTraceClears() {
        int clears = tracing.clears();
        if (clears != clearsSeen) {
            clearsSeen = clears;
            ctx.traces.reset();
        }
    }

    private void run() {
        int nodes = pending.length;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean ran = false;
            for (int n = 0; n < nodes; n++) {
                Frame frame = pending[n];
                if (frame.count == 0) continue;
                ran = true;
                pending[n] = spare;
                spare = frame;
                graph.node(n).process(frame, packets, ctx);
                for (int i = 0; i < frame.count; i++) {
                    int slot = frame.slots[i];
                    int next = packets.next[slot];
                    if (next >= 0) pending[next].add(slot);
                }
                frame.count = 0;
            }
            if (!ran) return;
        }
        dropStragglers();
    }

    private void dropStragglers() {
        for (Frame frame : pending) {
            for (int i = 0; i < frame.count; i++) ctx.drop(packets, frame.slots[i], DropReason.GRAPH_LOOP);
            frame.count = 0;
        }
    }
}
