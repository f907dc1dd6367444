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
    /**
     * Expired flows freed per vector, at most: as many as a vector can create, so that a stream of new flows cannot
     * outrun expiry and fill conntrack with dead flows (every create would then evict one, on a full, cold table).
     */
    private static final int EXPIRY_BUDGET = PacketVector.CAPACITY;
    /** {@link #inUse} between vectors: the worker holds no state. */
    private static final long IDLE = 0;
    /** {@link #inUse} while the worker picks up a state whose version it has not written yet. */
    private static final long ENTERING = -1;
    private static final int SPINS_BEFORE_PARKING = 1000;
    private static final long PARK_NANOS = 10_000;

    private final int id;
    private final Graph graph;
    /** The graph's nodes as an array: the run loop indexes it once per frame. */
    private final Node[] nodes;
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
        this.nodes = graph.nodes().toArray(Node[]::new);
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
            int after = packets.count();
            long bytes = 0;
            for (int s = before; s < after; s++) {
                packets.rxInterface[s] = iface;
                bytes += packets.length[s];
            }
            ctx.counters.rxPackets[iface] += after - before;
            ctx.counters.rxBytes[iface] += bytes;
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
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean ran = false;
            for (int n = 0; n < nodes.length; n++) {
                Frame frame = pending[n];
                if (frame.count == 0) continue;
                ran = true;
                pending[n] = spare;
                nodes[n].process(frame, packets, ctx);
                spare = forward(frame);
            }
            if (!ran) return;
        }
        dropStragglers();
    }

    /**
     * Moves a processed frame's packets into the frames of their next nodes and returns the frame that is now empty.
     * When every packet goes to the same node and that node has nothing waiting, the frame itself becomes that node's
     * (VPP's usual case: a whole vector takes one path), so no slot is copied.
     */
    private Frame forward(Frame frame) {
        int count = frame.count;
        int[] slots = frame.slots;
        int[] next = packets.next;
        int first = count > 0 ? next[slots[0]] : PacketVector.NONE;
        int i = 1;
        while (i < count && next[slots[i]] == first) i++;
        if (i == count && first >= 0 && pending[first].count == 0) {
            Frame empty = pending[first];
            pending[first] = frame;
            return empty;
        }
        for (int k = 0; k < count; k++) {
            int slot = slots[k];
            int to = next[slot];
            if (to >= 0) pending[to].add(slot);
        }
        frame.count = 0;
        return frame;
    }

    private void dropStragglers() {
        for (Frame frame : pending) {
            for (int i = 0; i < frame.count; i++) ctx.drop(packets, frame.slots[i], DropReason.GRAPH_LOOP);
            frame.count = 0;
        }
    }
}
