package dev.booster.engine.node;

import dev.booster.engine.DropReason;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.Node;
import dev.booster.engine.packet.PacketVector;

/** A node that can drop: it records the reason and sends the packet to error-drop (or icmp-error). */
abstract class PacketNode extends Node {
    protected final int errorDrop;

    PacketNode(String name, Graph.Wiring wiring) {
        super(name);
        this.errorDrop = wiring.index(ErrorDrop.NAME);
    }

    /** Marks the packet dropped for {@code reason}; returns the error-drop node for {@code p.next}. */
    protected final int drop(PacketVector p, int slot, DropReason reason) {
        p.error[slot] = reason.ordinal();
        return errorDrop;
    }
}
