package dev.booster.afxdp.xsk;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java rings against a kernel played in plain memory: order, capacity, index wrap, and what is published when. */
class RingsTest {
    private static final int WRAP_SOON = -5; // 0xFFFFFFFB: the indexes cross 2^32 within a few entries

    @Test
    void aProducerPublishesNothingUntilSubmitAndThenExactlyWhatWasSubmitted() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 8, 8, 0);
            ProducerRing fill = kernel.producerRing();
            assertEquals(3, fill.reserve(3));
            fill.putAddress(0, 0x1000);
            fill.putAddress(1, 0x2000);
            fill.putAddress(2, 0x3000);
            assertEquals(0, kernel.filled(), "nothing visible before submit");
            fill.submit(2);
            assertEquals(2, kernel.filled(), "submit(2) publishes two, the third slot goes back");
            assertEquals(0x1000, kernel.takeAddress());
            assertEquals(0x2000, kernel.takeAddress());
            assertEquals(1, fill.reserve(1));
            fill.putAddress(0, 0x4000);
            fill.submit(1);
            assertEquals(0x4000, kernel.takeAddress(), "the returned slot is reused next");
        }
    }

    @Test
    void aProducerNeverOverrunsTheConsumer() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 4, 8, WRAP_SOON);
            ProducerRing fill = kernel.producerRing();
            assertEquals(4, fill.reserve(10), "a reservation takes what fits");
            for (int k = 0; k < 4; k++) fill.putAddress(k, k);
            fill.submit(4);
            assertEquals(0, fill.reserve(1), "full");
            kernel.takeAddress();
            assertEquals(1, fill.reserve(3), "one slot freed by the kernel");
        }
    }

    @Test
    void descriptorsCarryAddressAndLength() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 4, 16, WRAP_SOON);
            ProducerRing tx = kernel.producerRing();
            assertEquals(2, tx.reserve(2));
            tx.putDescriptor(0, 0x800, 60);
            tx.putDescriptor(1, 0x1000, 1514);
            tx.submit(2);
            assertArrayEquals(new long[]{0x800, 60}, kernel.takeDescriptor());
            assertArrayEquals(new long[]{0x1000, 1514}, kernel.takeDescriptor());

            FakeRing rxKernel = new FakeRing(arena, 4, 16, 0);
            ConsumerRing rx = rxKernel.consumerRing();
            rxKernel.putDescriptor(0x1100, 42);
            assertEquals(1, rx.peek(8));
            assertEquals(0x1100, rx.descriptorAddress(0));
            assertEquals(42, rx.descriptorLength(0));
            rx.release(1);
            assertEquals(0, rxKernel.filled());
        }
    }

    @Test
    void aConsumerHandsBackOnlyWhatItReleasedAndSeesTheRestAgain() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 8, 8, WRAP_SOON);
            ConsumerRing comp = kernel.consumerRing();
            assertEquals(0, comp.peek(4), "empty");
            for (long a = 1; a <= 5; a++) kernel.putAddress(a * 0x1000);
            assertEquals(4, comp.peek(4));
            assertEquals(0x1000, comp.address(0));
            assertEquals(0x4000, comp.address(3));
            comp.release(2);
            assertEquals(3, kernel.filled(), "two slots handed back to the kernel");
            assertEquals(3, comp.peek(8));
            assertEquals(0x3000, comp.address(0), "unreleased entries come again");
            assertEquals(0x5000, comp.address(2));
            comp.release(3);
            assertEquals(0, kernel.filled());
        }
    }

    @Test
    void needsWakeupFollowsTheKernelsFlag() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 4, 8, 0);
            ProducerRing fill = kernel.producerRing();
            assertFalse(fill.needsWakeup());
            kernel.flags.set(JAVA_INT, 0, 1);
            assertTrue(fill.needsWakeup());
        }
    }

    @Test
    void viewsOfClosedMemoryFailInsteadOfReadingIt() {
        Arena arena = Arena.ofShared();
        FakeRing kernel = new FakeRing(arena, 4, 8, 0);
        ConsumerRing comp = kernel.consumerRing();
        arena.close();
        assertThrows(IllegalStateException.class, () -> comp.peek(1));
    }

    @Test
    void ringSizesMustBePowersOfTwo() {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 4, 8, 0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ProducerRing(kernel.producer, kernel.consumer, kernel.flags, kernel.entries, 6, 0, 6));
            assertTrue(e.getMessage().contains("power of two"));
        }
    }

    /** One step of a run: the user side moves {@code user} entries, the kernel side {@code kernel}, both capped by the ring. */
    record Step(int user, int partial, int kernel) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.integers().between(0, 20)
                .flatMap(user -> Arbitraries.integers().between(0, user)
                        .flatMap(partial -> Arbitraries.integers().between(0, 20).map(kernel -> new Step(user, partial, kernel))))
                .list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void producedEntriesReachTheKernelInOrderWithoutLossOrOverrun(@ForAll("steps") List<Step> steps,
                                                                  @ForAll @IntRange(min = 0, max = 3) int sizeShift,
                                                                  @ForAll int start) {
        int size = 2 << sizeShift;
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, size, 8, start);
            ProducerRing ring = kernel.producerRing();
            ArrayDeque<Long> inFlight = new ArrayDeque<>();
            long next = 1;
            for (Step step : steps) {
                int reserved = ring.reserve(step.user());
                assertEquals(Math.min(step.user(), size - inFlight.size()), reserved, "reserve takes exactly what fits");
                int submitted = Math.min(step.partial(), reserved);
                for (int k = 0; k < reserved; k++) ring.putAddress(k, k < submitted ? next + k : -1);
                ring.submit(submitted);
                for (int k = 0; k < submitted; k++) inFlight.add(next++);
                assertEquals(inFlight.size(), kernel.filled());
                for (int k = 0; k < step.kernel() && kernel.filled() > 0; k++) {
                    assertEquals(inFlight.removeFirst(), kernel.takeAddress(), "kernel sees entries in order");
                }
            }
        }
    }

    @Property(tries = 300)
    void consumedEntriesComeOutInOrderAndReleaseFreesExactlyThem(@ForAll("steps") List<Step> steps,
                                                                 @ForAll @IntRange(min = 0, max = 3) int sizeShift,
                                                                 @ForAll int start) {
        int size = 2 << sizeShift;
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, size, 16, start);
            ConsumerRing ring = kernel.consumerRing();
            ArrayDeque<Long> pending = new ArrayDeque<>();
            long next = 1;
            for (Step step : steps) {
                for (int k = 0; k < step.kernel() && kernel.filled() < size; k++) {
                    kernel.putDescriptor(next, (int) (next % 1500));
                    pending.add(next++);
                }
                int peeked = ring.peek(step.user());
                assertEquals(Math.min(step.user(), pending.size()), peeked, "peek sees everything published, up to max");
                Long[] expected = pending.toArray(Long[]::new);
                for (int k = 0; k < peeked; k++) {
                    assertEquals(expected[k], ring.descriptorAddress(k));
                    assertEquals((int) (expected[k] % 1500), ring.descriptorLength(k));
                }
                int released = Math.min(step.partial(), peeked);
                ring.release(released);
                for (int k = 0; k < released; k++) pending.removeFirst();
                assertEquals(pending.size(), kernel.filled(), "the kernel got back exactly the released slots");
            }
        }
    }

    @Property(tries = 100)
    void entriesSurviveTheIndexWrap(@ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 4) Integer> batches) {
        try (Arena arena = Arena.ofConfined()) {
            FakeRing kernel = new FakeRing(arena, 4, 8, WRAP_SOON);
            ProducerRing ring = kernel.producerRing();
            long next = 0;
            for (int batch : batches) {
                int n = ring.reserve(batch);
                for (int k = 0; k < n; k++) ring.putAddress(k, next + k);
                ring.submit(n);
                for (int k = 0; k < n; k++) assertEquals(next + k, kernel.takeAddress());
                next += n;
            }
        }
    }
}
