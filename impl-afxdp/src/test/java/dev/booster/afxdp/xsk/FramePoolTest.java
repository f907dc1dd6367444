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

    @Test
    void framesMoveBetweenTheApplicationAndSocketsOnlyFromWhereTheyAre() {
        FramePool pool = new FramePool(4, 2048, 2, 0);
        short a = pool.openHolder();
        short b = pool.openHolder();
        long filled = pool.allocateTo(a);                       // into a's fill ring
        assertEquals(1, pool.held(a));
        assertFalse(pool.received(filled, b), "b never had it");
        assertTrue(pool.received(filled + 256, a), "a received into it (the kernel's address is past the headroom)");
        assertEquals(0, pool.held(a));
        assertTrue(pool.lend(filled + 256, b), "the application transmits it on b, as it is");
        assertEquals(1, pool.held(b));
        assertFalse(pool.completed(filled, a), "a did not transmit it");
        assertFalse(pool.release(filled), "the application lent it");
        assertTrue(pool.completed(filled + 256, b));
        assertEquals(0, pool.held(b));
        assertEquals(4, pool.available());
        assertEquals(3, pool.rejectedReleases());
    }

    @Test
    void aClosedSocketsFramesComeBackThroughTheOwnerWhileOthersAreOpen() {
        FramePool pool = new FramePool(8, 2048, 2, 0);
        short a = pool.openHolder();
        short b = pool.openHolder();
        for (int i = 0; i < 3; i++) pool.allocateTo(a);
        long inFlight = pool.allocate();
        pool.lend(inFlight, a);
        pool.allocateTo(b);
        assertEquals(4, pool.held(a));
        assertEquals(3, pool.available());

        assertEquals(4, pool.closeHolder(a, false));
        assertEquals(4, pool.returnsPending(), "marked for the owner");
        assertEquals(3, pool.available(), "the control plane does not touch the free stack while b may be driven");
        pool.collectReturns();
        assertEquals(7, pool.available());
        assertEquals(0, pool.returnsPending());
        pool.collectReturns();
        assertEquals(7, pool.available(), "nothing is collected twice");

        assertEquals(1, pool.closeHolder(b, true), "the last socket: no owner is left to collect");
        assertEquals(8, pool.available());
        assertEquals(0, pool.returnsPending());
        assertEquals(0, pool.rejectedReleases());
    }

    @Test
    void theControlPlaneFillsANewSocketFromTheStashAndTheOwnerTopsItUp() {
        FramePool pool = new FramePool(16, 2048, 2, 4);
        assertEquals(4, pool.stashed());
        assertEquals(12, pool.available());
        short a = pool.openHolder();
        long[] taken = new long[8];
        assertEquals(4, pool.takeStashed(a, taken, 8), "no more than the stash holds");
        assertEquals(4, pool.held(a));
        assertEquals(4, pool.stashed(), "with no other socket open, nobody drives the pool: topped up at once");
        assertEquals(8, pool.available());
        assertTrue(pool.received(taken[0], a), "the frames are the socket's");

        short b = pool.openHolder();
        assertEquals(3, pool.takeStashed(b, taken, 3));
        assertEquals(1, pool.stashed(), "a is open, so its driving thread tops up, not the control plane");
        pool.collectReturns();
        assertEquals(4, pool.stashed());
        assertEquals(5, pool.available());
        assertEquals(0, pool.rejectedReleases());
    }

    @Test
    void holdersAreLimitedAndReused() {
        FramePool pool = new FramePool(4, 2048, 1, 0);
        short a = pool.openHolder();
        IllegalStateException full = assertThrows(IllegalStateException.class, pool::openHolder);
        assertTrue(full.getMessage().contains("maxSockets"), full.getMessage());
        pool.closeHolder(a, true);
        assertEquals(a, pool.openHolder());
        assertThrows(IllegalArgumentException.class, () -> pool.closeHolder((short) 99, true));
    }

    /**
     * Random traffic between two sockets and the application, with sockets closing and reopening: every frame is in
     * exactly one place, and once everything is closed and collected, all are free.
     */
    @Property(tries = 300)
    void everyFrameIsInOnePlaceAndAllComeBack(@ForAll @Size(max = 300) List<@IntRange(min = 0, max = 8) Integer> moves) {
        FramePool pool = new FramePool(16, 2048, 2, 3);
        short[] sockets = {pool.openHolder(), pool.openHolder()};
        List<List<Long>> fillRings = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Long>> txRings = List.of(new ArrayList<>(), new ArrayList<>());
        List<Long> application = new ArrayList<>();
        int turn = 0;
        for (int move : moves) {
            int s = turn++ % 2;
            short holder = sockets[s];
            switch (move) {
                case 0, 1 -> { // refill
                    long frame = pool.allocateTo(holder);
                    if (frame != FramePool.NO_FRAME) fillRings.get(s).add(frame);
                }
                case 2 -> { // receive
                    if (!fillRings.get(s).isEmpty()) {
                        long frame = fillRings.get(s).removeFirst();
                        assertTrue(pool.received(frame, holder));
                        application.add(frame);
                    }
                }
                case 3 -> { // transmit on the other socket, as it is
                    if (!application.isEmpty()) {
                        long frame = application.removeFirst();
                        assertTrue(pool.lend(frame, sockets[1 - s]));
                        txRings.get(1 - s).add(frame);
                    }
                }
                case 4 -> { // completion
                    if (!txRings.get(s).isEmpty()) assertTrue(pool.completed(txRings.get(s).removeFirst(), holder));
                }
                case 5 -> { // drop
                    if (!application.isEmpty()) assertTrue(pool.release(application.removeLast()));
                }
                case 6 -> { // the socket goes, with whatever its rings hold, and a new one comes
                    int held = fillRings.get(s).size() + txRings.get(s).size();
                    assertEquals(held, pool.held(holder));
                    assertEquals(held, pool.closeHolder(holder, false));
                    fillRings.get(s).clear();
                    txRings.get(s).clear();
                    sockets[s] = pool.openHolder();
                }
                case 7 -> { // the socket goes and a new one comes, filled from the stash by the control plane
                    pool.closeHolder(holder, false);
                    fillRings.get(s).clear();
                    txRings.get(s).clear();
                    sockets[s] = pool.openHolder();
                    long[] stashed = new long[4];
                    int n = pool.takeStashed(sockets[s], stashed, 4);
                    for (int i = 0; i < n; i++) fillRings.get(s).add(stashed[i]);
                }
                default -> pool.collectReturns();
            }
            int inRings = fillRings.get(0).size() + fillRings.get(1).size() + txRings.get(0).size() + txRings.get(1).size();
            assertEquals(16, pool.available() + pool.stashed() + inRings + application.size() + pool.returnsPending(), pool.toString());
            assertEquals(application.size(), pool.heldByApplication());
        }
        for (long frame : application) assertTrue(pool.release(frame));
        pool.closeHolder(sockets[0], false);
        pool.closeHolder(sockets[1], true);
        assertEquals(16, pool.available() + pool.stashed());
        assertEquals(3, pool.stashed());
        assertEquals(0, pool.rejectedReleases());
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
