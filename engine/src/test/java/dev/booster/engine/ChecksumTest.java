package dev.booster.engine;

import dev.booster.engine.packet.Checksum;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.frame.Checksums;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumTest {

    private static long offHeap(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s.address();
    }

    @Property(tries = 500)
    void sumMatchesAByteWiseReference(@ForAll @Size(max = 300) byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            long address = offHeap(arena, data);
            assertEquals(Checksums.finish(Checksums.sum(data, 0, data.length, 0)), Checksum.finish(Checksum.add(0, address, data.length)));
        }
    }

    @Property(tries = 500)
    void incrementalTtlUpdateEqualsRecomputation(@ForAll @Size(20) byte[] header, @ForAll @IntRange(min = 2, max = 255) int ttl) {
        header[0] = 0x45;
        header[8] = (byte) ttl;
        Checksums.fixIp4Header(header, 0);
        try (Arena arena = Arena.ofConfined()) {
            long ip = offHeap(arena, header);
            int oldWord = PacketMemory.u16(ip + 8);
            int newWord = oldWord - 0x100;
            PacketMemory.put16(ip + 8, newWord);
            PacketMemory.put16(ip + 10, Checksum.update(PacketMemory.u16(ip + 10), oldWord, newWord));
            assertTrue(Checksum.verifies(Checksum.add(0, ip, 20)), "header verifies after the incremental update");
        }
    }
}
