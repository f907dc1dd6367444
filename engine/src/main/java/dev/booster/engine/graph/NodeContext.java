package dev.booster.engine.graph;

import dev.booster.engine.DropReason;
import dev.booster.engine.conntrack.Conntrack;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.Neighbours;
import dev.booster.engine.trace.TraceBuffer;

/** What a worker gives its nodes: the snapshot and clock of the current vector, and its own tables and counters. */
public final class NodeContext {
    /** The forwarding state read at the start of this vector. */
    public ForwardingState state;
    /** The time read at the start of this vector. */
    public long now;

    public final WorkerCounters counters;
    public final Conntrack conntrack;
    public final Neighbours neighbours;
    public final TraceBuffer traces;
    public final TokenBucket icmpErrors;

    public NodeContext(WorkerCounters counters, Conntrack conntrack, Neighbours neighbours, TraceBuffer traces, TokenBucket icmpErrors) {
        this.counters = counters;
        this.conntrack = conntrack;
        this.neighbours = neighbours;
        this.traces = traces;
        this.icmpErrors = icmpErrors;
    }

    /** Records a step in the packet's trace, if it is traced. */
    public void trace(PacketVector p, int slot, Node node, int code, int detail) {
        int record = p.trace[slot];
        if (record >= 0) traces.step(record, node.index(), code, detail);
    }

    /** Counts a packet the output port took; its journey ends. */
    public void transmitted(PacketVector p, int slot, int iface) {
        counters.txPackets[iface]++;
        counters.txBytes[iface] += p.length[slot];
        p.next[slot] = PacketVector.NONE;
        finishTrace(p, slot);
    }

    /** Counts a drop without releasing the buffer (for a node that reuses it). */
    public void countDrop(PacketVector p, int slot, DropReason reason) {
        counters.drop(p.rxInterface[slot], reason);
    }

    /** Counts a drop, frees the buffer to its owner and ends the packet's journey and trace. */
    public void drop(PacketVector p, int slot, DropReason reason) {
        countDrop(p, slot, reason);
        p.owner[slot].free(p.buffer[slot]);
        p.next[slot] = PacketVector.NONE;
        finishTrace(p, slot);
    }

    private void finishTrace(PacketVector p, int slot) {
        int record = p.trace[slot];
        if (record >= 0) {
            traces.finish(record);
            p.trace[slot] = PacketVector.NONE;
        }
    }
}
