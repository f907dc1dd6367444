package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Frame;
import dev.booster.engine.graph.Node;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;

/**
 * Hands packets to their output ports, one {@link Port#tx} call per interface per frame. Packets a full ring refuses,
 * and packets for an interface removed meanwhile, are dropped here: this is where every transmitted packet ends.
 */
public final class InterfaceOutput extends Node {
    public static final String NAME = "interface-output";

    private final int[] batch = new int[PacketVector.CAPACITY];
    private final boolean[] sent = new boolean[PacketVector.CAPACITY];

    public InterfaceOutput() {
        super(NAME);
    }

    @Override
    public void process(Frame frame, PacketVector p, NodeContext ctx) {
        InterfaceTable interfaces = ctx.state.interfaces();
        int n = frame.count;
        for (int i = 0; i < n; i++) sent[i] = false;
        for (int i = 0; i < n; i++) {
            if (sent[i]) continue;
            int out = p.txInterface[frame.slots[i]];
            int size = 0;
            for (int j = i; j < n; j++) {
                if (!sent[j] && p.txInterface[frame.slots[j]] == out) {
                    sent[j] = true;
                    batch[size++] = frame.slots[j];
                }
            }
            transmit(out, size, p, ctx, interfaces);
        }
    }

    private void transmit(int out, int size, PacketVector p, NodeContext ctx, InterfaceTable interfaces) {
        if (!interfaces.present(out)) {
            for (int k = 0; k < size; k++) {
                ctx.trace(p, batch[k], this, out, 0);
                ctx.drop(p, batch[k], DropReason.INTERFACE_DOWN);
            }
            return;
        }
        for (int k = 0; k < size; k++) ctx.trace(p, batch[k], this, out, 1);
        int taken = interfaces.port(out).tx(p, batch, size);
        for (int k = 0; k < size; k++) {
            if (k < taken) {
                ctx.transmitted(p, batch[k], out);
            } else {
                ctx.trace(p, batch[k], this, out, 2);
                ctx.drop(p, batch[k], DropReason.TX_FULL);
            }
        }
    }

    @Override
    public String describe(int code, int detail, ForwardingState state) {
        String name = state.interfaces().present(code) ? state.interfaces().name(code) : "#" + code;
        return switch (detail) {
            case 0 -> name + " is gone";
            case 1 -> "tx " + name;
            default -> name + " tx ring full";
        };
    }
}
