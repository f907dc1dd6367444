package dev.booster.engine.graph;

import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

/**
 * One step of the packet path. {@link #process} handles a whole frame and writes each packet's next node into
 * {@link PacketVector#next}; the {@link Worker} then moves the packets into the frames of those nodes. A node resolves
 * the indices of its next nodes by name when the {@link Graph} is built.
 *
 * <p>{@code process} must not allocate, lock, block or throw.
 */
public abstract class Node {
    private final String name;
    private int index = -1;

    protected Node(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    public final int index() {
        return index;
    }

    final void bind(int index) {
        if (this.index >= 0) throw new IllegalStateException("node " + name + " is already in a graph");
        this.index = index;
    }

    public abstract void process(Frame frame, PacketVector packets, NodeContext ctx);

    /** Turns one trace step this node recorded into text; called off the packet path, when a trace is read. */
    public String describe(int code, int detail, ForwardingState state) {
        return "code " + code + " detail " + detail;
    }
}
