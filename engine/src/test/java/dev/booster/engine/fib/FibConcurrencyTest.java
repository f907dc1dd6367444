package dev.booster.engine.fib;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer churns routes while readers look up addresses. Inside the watched block every route, the covering one
 * included, has the same adjacency, so any answer but that one (a MISS, an adjacency from the churn outside the block,
 * or a half-built ply's contents) is a torn read. Churn outside the block uses other adjacencies and makes plies and
 * tables grow, collapse, get recycled and be rebuilt while readers run.
 */
class FibConcurrencyTest {
    private static final int WATCHED = 7;
    private static final int WRITER_OPERATIONS = 80_000;
    private static final int READERS = 2;

    @Test
    void ip4ReadersNeverSeeATornUpdate() throws Exception {
        Ip4Fib fib = new Ip4Fib();
        int watchedBlock = 0x0A00_0000; // 10.0.0.0/8
        int otherBlock = 0x0B00_0000;   // 11.0.0.0/8
        fib.add(watchedBlock, 8, WATCHED);
        fib.add(otherBlock, 8, 9);

        Runnable writer = () -> {
            SplittableRandom random = new SplittableRandom(1);
            List<int[]> live = new ArrayList<>();
            for (int i = 0; i < WRITER_OPERATIONS; i++) {
                if (live.size() > 3_000 || (!live.isEmpty() && random.nextInt(3) == 0)) {
                    int[] route = live.remove(random.nextInt(live.size()));
                    fib.remove(route[0], route[1]);
                } else {
                    int length = 9 + random.nextInt(24);
                    boolean watched = random.nextBoolean();
                    int block = watched ? watchedBlock : otherBlock;
                    int prefix = (block | (random.nextInt() & 0x00FF_FFFF)) & Ip4Fib.mask(length);
                    fib.add(prefix, length, watched ? WATCHED : 10 + random.nextInt(100));
                    live.add(new int[]{prefix, length});
                }
            }
        };
        LongUnaryOperator lookupInWatchedBlock = bits -> fib.lookup(watchedBlock | ((int) bits & 0x00FF_FFFF));
        runReadersAgainst(writer, lookupInWatchedBlock);
        assertEquals(WATCHED, fib.lookup(watchedBlock));
    }

    @Test
    void ip6ReadersNeverSeeATornUpdate() throws Exception {
        Ip6Fib fib = new Ip6Fib();
        long watchedBlock = 0xFD00_0000_0000_0000L; // fd00::/16
        long otherBlock = 0xFD01_0000_0000_0000L;   // fd01::/16
        fib.add(watchedBlock, 0, 16, WATCHED);
        fib.add(otherBlock, 0, 16, 9);

        Runnable writer = () -> {
            SplittableRandom random = new SplittableRandom(2);
            List<long[]> live = new ArrayList<>();
            for (int i = 0; i < WRITER_OPERATIONS; i++) {
                if (live.size() > 3_000 || (!live.isEmpty() && random.nextInt(3) == 0)) {
                    long[] route = live.remove(random.nextInt(live.size()));
                    fib.remove(route[0], route[1], (int) route[2]);
                } else {
                    int length = 17 + random.nextInt(112);
                    boolean watched = random.nextBoolean();
                    long high = (watched ? watchedBlock : otherBlock) | (random.nextLong() & 0x0000_0000_0000_FFFFL);
                    long low = random.nextLong() & 0xFFL;
                    high &= Ip6PrefixTable.maskHigh(length);
                    low &= Ip6PrefixTable.maskLow(length);
                    fib.add(high, low, length, watched ? WATCHED : 10 + random.nextInt(100));
                    live.add(new long[]{high, low, length});
                }
            }
        };
        LongUnaryOperator lookupInWatchedBlock = bits -> fib.lookup(watchedBlock | (bits & 0xFFFF), bits >>> 56);
        runReadersAgainst(writer, lookupInWatchedBlock);
        assertEquals(WATCHED, fib.lookup(watchedBlock, 0));
    }

    /**
     * Runs the writer while readers call {@code lookup} with random bits and check every answer.
     * Random bits are shaped by each test to land in its watched block.
     */
    private static void runReadersAgainst(Runnable writer, LongUnaryOperator lookup) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong lookups = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            long seed = 100 + r;
            readers.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                long done = 0;
                while (writing.get() && failure.get() == null) {
                    long bits = random.nextLong();
                    long answer = lookup.applyAsLong(bits);
                    if (answer != WATCHED) {
                        failure.compareAndSet(null, "lookup of bits " + Long.toHexString(bits) + " gave " + answer);
                    }
                    done++;
                }
                lookups.addAndGet(done);
            }));
        }
        Thread writerThread = Thread.ofPlatform().start(() -> {
            try {
                writer.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, "writer failed: " + t);
            } finally {
                writing.set(false);
            }
        });
        writerThread.join();
        for (Thread reader : readers) {
            reader.join();
        }
        assertNull(failure.get());
        assertTrue(lookups.get() > 0, "readers ran");
    }
}
