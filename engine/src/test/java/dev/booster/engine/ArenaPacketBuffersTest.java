package dev.booster.engine;

import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ArenaPacketBuffersTest {

    @Test
    void handsOutEachBufferOnceAndRefusesDoubleFrees() {
        try (ArenaPacketBuffers buffers = new ArenaPacketBuffers(2, 256, 32)) {
            int first = buffers.alloc();
            int second = buffers.alloc();
            assertNotEquals(first, second);
            assertEquals(256, Math.abs(buffers.address(first) - buffers.address(second)));
            assertEquals(PacketBuffers.NO_BUFFER, buffers.alloc());
            buffers.free(first);
            assertThrows(IllegalStateException.class, () -> buffers.free(first));
            assertThrows(IllegalStateException.class, () -> buffers.free(7));
            assertEquals(1, buffers.inUse());
        }
    }

    @Test
    void receivesAndCopiesOutFramesAfterTheHeadroom() {
        try (ArenaPacketBuffers buffers = new ArenaPacketBuffers(1, 256, 32)) {
            PacketVector v = new PacketVector();
            byte[] frame = {1, 2, 3, 4, 5};
            int slot = buffers.receive(v, frame);
            assertEquals(buffers.address(v.buffer[slot]) + 32, v.data[slot]);
            assertEquals(32, v.headroom[slot]);
            assertEquals(224, v.room[slot]);
            assertArrayEquals(frame, ArenaPacketBuffers.copyOut(v, slot));
            assertEquals(-1, buffers.receive(v, frame), "no buffer left");
            assertThrows(IllegalArgumentException.class, () -> new ArenaPacketBuffers(1, 32, 32));
        }
    }
}
