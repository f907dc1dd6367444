package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Node;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.state.ForwardingState;

/** Counts each packet under the reason its dropping node recorded and frees its buffer to its owner. */
public final class ErrorDrop extends Node {
    public static final String NAME = "error-drop";

    public ErrorDrop() {
        super(NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        for (int i = 0; i < frame.count; i++) {
            int s = frame.slots[i];
            ctx.trace(p, s, this, p.error[s], 0);
            ctx.drop(p, s, DropReason.of(p.error[s]));
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        return DropReason.of(code).reasonName();
    }
}
