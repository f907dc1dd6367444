package dev.booster.bench;

import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

/** A port that receives nothing and takes everything it is given, handing the buffers straight back to their owner. */
final class SinkPort implements Port {
    long transmitted;

    @Override
    public int rx(PacketVector into, int max) {
        return 0;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        for (int i = 0; i < count; i++) from.owner[slots[i]].free(from.buffer[slots[i]]);
        transmitted += count;
        return count;
    }
}
