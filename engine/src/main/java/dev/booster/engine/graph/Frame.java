package dev.booster.engine.graph;

import dev.booster.engine.packet.PacketVector;

/** The packets waiting for one node, as slots of the worker's {@link PacketVector}. */
public final class Frame {
    public final int[] slots = new int[PacketVector.CAPACITY];
    public int count;

    void add(int slot) {
        slots[count++] = slot;
    }
}
