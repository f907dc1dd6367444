package dev.booster.engine.graph;

import dev.booster.engine.DropReason;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.StateHolder;
import dev.booster.engine.trace.TraceControl;
import dev.booster.engine.trace.TraceRequest;

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
        ForwardingState state = states.get();
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
