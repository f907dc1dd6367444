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
    private static final int WRITER_OPERATIONS = 200_000;
    private static final int READERS = 2;

    @Test
    void ip4ReadersNeverSeeATornUpdate() throws Exception {
        Ip4Fib fib = new Ip4Fib();
        int watchedBlock = 0x0A00_0000; // 10.0.0.0/14
        int otherBlock = 0x0B00_0000;   // 11.0.0.0/14
        int blockBits = 0x0003_FFFF;
        fib.add(watchedBlock, 14, WATCHED);
        fib.add(otherBlock, 14, 9);

        // Few live routes over few /16s: plies are created, emptied, collapsed and handed to the other block all the
        // time, right where the readers look.
        Runnable writer = () -> {
            SplittableRandom random = new SplittableRandom(1);
            List<int[]> live = new ArrayList<>();
            for (int i = 0; i < WRITER_OPERATIONS; i++) {
                if (live.size() > 24 || (!live.isEmpty() && random.nextBoolean())) {
                    int[] route = live.remove(random.nextInt(live.size()));
                    fib.remove(route[0], route[1]);
                } else {
                    int length = 15 + random.nextInt(18);
                    boolean watched = random.nextBoolean();
                    int block = watched ? watchedBlock : otherBlock;
                    int prefix = (block | (random.nextInt() & blockBits)) & Ip4Fib.mask(length);
                    fib.add(prefix, length, watched ? WATCHED : 10 + random.nextInt(100));
                    live.add(new int[]{prefix, length});
                }
            }
        };
        LongUnaryOperator lookupInWatchedBlock = bits -> fib.lookup(watchedBlock | ((int) bits & blockBits));
        runReadersAgainst(writer, lookupInWatchedBlock);
        assertEquals(WATCHED, fib.lookup(watchedBlock));
    }

    @Test
    void ip6ReadersNeverSeeATornUpdate() throws Exception {
        Ip6Fib fib = new Ip6Fib();
        long watchedBlock = 0xFD00_0000_0000_0000L; // fd00::/60
        long otherBlock = 0xFD01_0000_0000_0000L;   // fd01::/60
        fib.add(watchedBlock, 0, 60, WATCHED);
        fib.add(otherBlock, 0, 60, 9);

        // Few live routes under few /64s: tables appear, fill with tombstones, are rebuilt and vanish all the time.
        int[] lengths = {61, 62, 63, 64, 96, 120, 124, 126, 127, 128};
        Runnable writer = () -> {
            SplittableRandom random = new SplittableRandom(2);
            List<long[]> live = new ArrayList<>();
            for (int i = 0; i < WRITER_OPERATIONS; i++) {
                if (live.size() > 24 || (!live.isEmpty() && random.nextBoolean())) {
                    long[] route = live.remove(random.nextInt(live.size()));
                    fib.remove(route[0], route[1], (int) route[2]);
                } else {
                    int length = lengths[random.nextInt(lengths.length)];
                    boolean watched = random.nextBoolean();
                    long high = (watched ? watchedBlock : otherBlock) | (random.nextLong() & 0xFL);
                    long low = random.nextLong() & 0xFL;
                    high &= Ip6PrefixTable.maskHigh(length);
                    low &= Ip6PrefixTable.maskLow(length);
                    fib.add(high, low, length, watched ? WATCHED : 10 + random.nextInt(100));
                    live.add(new long[]{high, low, length});
                }
            }
        };
        LongUnaryOperator lookupInWatchedBlock = bits -> fib.lookup(watchedBlock | (bits & 0xF), bits >>> 60);
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
