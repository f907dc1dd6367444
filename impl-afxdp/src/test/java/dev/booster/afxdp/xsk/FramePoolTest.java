package dev.booster.afxdp.xsk;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FramePoolTest {
    @Test
    void handsOutEveryFrameOnceThenNoFrame() {
        FramePool pool = new FramePool(4, 2048);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) assertTrue(seen.add(pool.allocate()));
        assertEquals(Set.of(0L, 2048L, 4096L, 6144L), seen);
        assertEquals(FramePool.NO_FRAME, pool.allocate());
        assertEquals(0, pool.available());
    }

    @Test
    void anAddressInsideAFrameReturnsThatFrame() {
        FramePool pool = new FramePool(2, 4096);
        long frame = pool.allocate();
        assertTrue(pool.release(frame + 256 + 14), "the kernel hands out addresses past the headroom");
        assertEquals(frame, pool.allocate());
        assertEquals(4096, pool.frameStart(4096 + 300));
    }

    @Test
    void doubleReleasesAndForeignAddressesAreRefusedAndCounted() {
        FramePool pool = new FramePool(2, 2048);
        long frame = pool.allocate();
        assertTrue(pool.release(frame));
        assertFalse(pool.release(frame), "already free");
        assertFalse(pool.release(2 * 2048), "beyond the UMEM");
        assertFalse(pool.release(-1));
        assertEquals(3, pool.rejectedReleases());
        assertEquals(2, pool.available());
    }

    @Test
    void batchCallsMoveAsManyAsFit() {
        FramePool pool = new FramePool(3, 2048);
        long[] out = new long[5];
        assertEquals(3, pool.allocate(out, 5));
        assertEquals(0, pool.allocate(out, 5));
        assertEquals(3, pool.release(out, 3));
        assertEquals(3, pool.available());
    }

    @Test
    void rejectsShapesItCannotIndex() {
        assertThrows(IllegalArgumentException.class, () -> new FramePool(0, 2048));
        assertThrows(IllegalArgumentException.class, () -> new FramePool(4, 3000));
    }

    @Property(tries = 200)
    void framesAreNeverHandedOutTwice(@ForAll @Size(max = 200) List<@IntRange(min = -3, max = 3) Integer> moves) {
        FramePool pool = new FramePool(8, 2048);
        List<Long> held = new ArrayList<>();
        for (int move : moves) {
            if (move > 0) {
                for (int i = 0; i < move; i++) {
                    long frame = pool.allocate();
                    if (frame == FramePool.NO_FRAME) {
                        assertEquals(8, held.size(), "NO_FRAME only when every frame is held");
                    } else {
                        assertFalse(held.contains(frame), "frame " + frame + " handed out twice");
                        held.add(frame);
                    }
                }
            } else {
                for (int i = 0; i < -move && !held.isEmpty(); i++) assertTrue(pool.release(held.removeLast()));
            }
            assertEquals(8, pool.available() + held.size());
        }
        assertEquals(0, pool.rejectedReleases());
    }
}
