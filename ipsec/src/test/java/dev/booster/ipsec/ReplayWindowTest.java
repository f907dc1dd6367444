package dev.booster.ipsec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 4303 §3.4.3 anti-replay and Appendix A2 ESN inference, against the obvious model and at the edges. */
class ReplayWindowTest {

    @Provide
    Arbitrary<Integer> windows() {
        return Arbitraries.of(64, 65, 100, 128, 1000, 1024, 4096);
    }

    /** The model: a set of everything accepted and the highest; fresh = above the top, or inside the window and unseen. */
    @Property(tries = 200)
    void agreesWithASetOfEverythingSeen(@ForAll("windows") int window, @ForAll long seed) {
        ReplayWindow replay = new ReplayWindow(window, false);
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        Random random = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            long candidate = switch (random.nextInt(20)) {
                case 0 -> highest + 1 + random.nextInt(window * 3);     // a jump past the window
                case 1 -> highest - window + random.nextInt(3) - 1;     // at the window's lower edge
                default -> highest - random.nextInt(window + 50) + random.nextInt(60);
            };
            long sequence = Math.max(0, candidate);
            boolean expected = sequence != 0 && (sequence > highest || highest - sequence < window && !seen.contains(sequence));

            assertEquals(expected, replay.isFresh(sequence), () -> "sequence " + sequence + " with top " + replay.highest());
            if (expected) {
                replay.accept(sequence);
                seen.add(sequence);
                highest = Math.max(highest, sequence);
            }
        }
        assertEquals(highest, replay.highest());
    }

    @Property(tries = 100)
    void packetsReorderedWithinTheWindowAreAcceptedOnceEach(@ForAll("windows") int window, @ForAll long seed,
                                                           @ForAll @LongRange(min = 0, max = 1L << 40) long start) {
        ReplayWindow replay = new ReplayWindow(window, false);
        replay.startAfter(start);
        List<Long> sent = new ArrayList<>();
        for (long s = start + 1; s <= start + window; s++) sent.add(s);
        Collections.shuffle(sent, new Random(seed));
        for (long s : sent) {
            assertTrue(replay.isFresh(s), () -> "first arrival of " + s);
            replay.accept(s);
        }
        for (long s : sent) assertFalse(replay.isFresh(s), () -> "duplicate of " + s);
    }

    @Property(tries = 100)
    void numbersBelowTheWindowAreTooOld(@ForAll("windows") int window, @ForAll @LongRange(min = 1, max = 1L << 40) long top,
                                       @ForAll @IntRange(min = 0, max = 100_000) int below) {
        ReplayWindow replay = new ReplayWindow(window, false);
        replay.accept(top);
        long sequence = top - window - below;
        if (sequence > 0) assertFalse(replay.isFresh(sequence), "at or below top - window");
        long oldestInWindow = top - window + 1;
        if (oldestInWindow > 0 && oldestInWindow != top) assertTrue(replay.isFresh(oldestInWindow), "top - window + 1");
    }

    /** RFC 4303 A2: correct for any number from the window's bottom up to 2^32 - 1 past it. */
    @Property(tries = 2000)
    void infersTheHighHalfFromTheLowHalf(@ForAll("windows") int window, @ForAll long top,
                                          @ForAll @LongRange(min = -65535, max = (1L << 32) - 64) long delta) {
        ReplayWindow replay = new ReplayWindow(window, true);
        replay.startAfter(top);
        long sequence = top + delta;
        boolean inRange = delta > -window && delta <= (1L << 32) - window;
        boolean noWrap = delta >= 0 ? Long.compareUnsigned(sequence, top) >= 0 : Long.compareUnsigned(sequence, top) < 0;
        if (!inRange || !noWrap || sequence == 0) return;
        assertEquals(Long.toUnsignedString(sequence), Long.toUnsignedString(replay.sequenceOf((int) sequence)));
    }

    @Test
    void extendedSequenceNumbersCrossTwoToThe32InEitherOrder() {
        ReplayWindow replay = new ReplayWindow(64, true);
        long wrap = 1L << 32;
        replay.startAfter(wrap - 20);
        List<Long> sent = new ArrayList<>();
        for (long s = wrap - 19; s <= wrap + 20; s++) sent.add(s);
        Collections.shuffle(sent, new Random(7));
        for (long s : sent) {
            long inferred = replay.sequenceOf((int) s);
            assertEquals(s, inferred, () -> "low half " + Integer.toUnsignedString((int) s) + " with top " + replay.highest());
            assertTrue(replay.isFresh(inferred));
            replay.accept(inferred);
        }
        assertEquals(wrap + 20, replay.highest());
        for (long s : sent) assertFalse(replay.isFresh(replay.sequenceOf((int) s)), "duplicate after the wrap");
        assertEquals(wrap - 30, replay.sequenceOf((int) (wrap - 30)), "a late packet from before the wrap");
        assertFalse(replay.isFresh(wrap - 60), "older than the window");
    }

    @Test
    void nothingComesBeforeTheFirstNumberOrAfterTheLast() {
        ReplayWindow fresh = new ReplayWindow(64, true);
        assertEquals(0, fresh.sequenceOf(-5), "2^32 - 5 before anything was received would be below 0");
        assertFalse(fresh.isFresh(0));
        assertFalse(new ReplayWindow(64, false).isFresh(0), "sequence number 0 is never sent");

        ReplayWindow last = new ReplayWindow(64, true);
        last.startAfter(-10L); // 2^64 - 10
        assertEquals(-3L, last.sequenceOf(-3));
        assertEquals(0, last.sequenceOf(5), "past 2^64 - 1 there is nothing");
    }
}
