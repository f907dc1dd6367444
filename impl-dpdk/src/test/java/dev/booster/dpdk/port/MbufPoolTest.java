package dev.booster.dpdk.port;

import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.eal.EalOptions;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.engine.packet.PacketBuffers;
import dev.booster.engine.packet.PacketMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** An mbuf pool as the engine's buffers: every mbuf has a handle that maps back to it, and nothing leaks. */
class MbufPoolTest {
    private Eal eal;

    @BeforeEach
    void acquire() {
        DpdkAvailable.assumePrivileged();
        eal = Eal.acquire(EalOptions.defaults());
    }

    @AfterEach
    void release() {
        if (eal != null) eal.release();
    }

    @Test
    void everyMbufHasAHandleThatMapsBackToIt() {
        long heapBefore = eal.heapAllocatedBytes();
        try (MbufPool pool = MbufPool.create(eal, "bst-test-" + ProcessHandle.current().pid(), 1023)) {
            Set<Integer> handles = new HashSet<>();
            for (int i = 0; i < 1023; i++) {
                int handle = pool.alloc();
                assertNotEquals(PacketBuffers.NO_BUFFER, handle, "mbuf " + i);
                assertTrue(handles.add(handle), "handle " + handle + " handed out twice");
                long mbuf = pool.mbuf(handle);
                assertEquals(handle, pool.handleOf(mbuf));
                assertEquals(pool.address(handle), PacketMemory.ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, mbuf + RteMbuf.BUF_ADDR),
                        "address(handle) is the mbuf's buf_addr");
                assertEquals(RteMbuf.PKTMBUF_HEADROOM, PacketMemory.ALL.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + RteMbuf.DATA_OFF));
                assertEquals(MbufPool.DATA_ROOM, PacketMemory.ALL.get(ValueLayout.JAVA_SHORT_UNALIGNED, mbuf + RteMbuf.BUF_LEN));
            }
            assertEquals(PacketBuffers.NO_BUFFER, pool.alloc(), "the pool is empty");
            assertEquals(1023, pool.inUse());
            for (int handle : handles) pool.free(handle);
            pool.flushFrees();
            assertEquals(0, pool.inUse());
            int again = pool.alloc();
            assertNotEquals(PacketBuffers.NO_BUFFER, again, "freed mbufs come back");
            pool.free(again);
        }
        assertEquals(heapBefore, eal.heapAllocatedBytes(), "closing the pool gives its memory back to the EAL heap");
    }

    @Test
    void addressesOutsideThePoolHaveNoHandle() {
        try (MbufPool pool = MbufPool.create(eal, "bst-out-" + ProcessHandle.current().pid(), 511)) {
            int handle = pool.alloc();
            assertEquals(-1, pool.handleOf(pool.mbuf(0) - 64));
            assertEquals(-1, pool.handleOf(pool.mbuf(handle) + (1L << 40)));
            pool.free(handle);
        }
    }
}
