package dev.booster.dpdk.ffi;

import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Bindings to DPDK's memory pools, {@code librte_mempool.so.23}: free, counts, the memory chunks of a pool, and a
 * raw dequeue.
 *
 * <p>{@code rte_mempool_get} is {@code static inline}: it takes objects from the calling lcore's cache, else from the
 * pool's driver through {@code rte_mempool_ops_table.ops[mp->ops_index].dequeue}. Booster's threads are no EAL lcores
 * and have no cache, so {@link #dequeue} makes that driver call directly, as the inline code would.
 */
public final class RteMempool {
    public static final NativeLibrary LIBRARY = new NativeLibrary("librte_mempool.so.23", "librte-mempool23", "DPDK's memory pools");

    /** {@code struct rte_mempool}: {@code uint32_t size} (objects) and {@code int32_t ops_index}. */
    public static final long MEMPOOL_SIZE = 64;
    public static final long MEMPOOL_OPS_INDEX = 88;
    public static final long MEMPOOL_BYTES = 192;
    /** {@code struct rte_mempool_ops_table}: {@code ops[]} starts at 64, 128 bytes each; {@code dequeue} at 56 of one. */
    public static final long OPS_TABLE_OPS = 64;
    public static final long OPS_BYTES = 128;
    public static final long OPS_DEQUEUE = 56;
    /** {@code RTE_MEMPOOL_MAX_OPS_IDX}. */
    public static final int MAX_OPS_IDX = 16;
    /** {@code struct rte_mempool_memhdr}: {@code void *addr} and {@code size_t len} of one chunk. */
    public static final long MEMHDR_ADDR = 16;
    public static final long MEMHDR_LEN = 32;

    /** {@code int (*rte_mempool_dequeue_t)(struct rte_mempool *mp, void **obj_table, unsigned int n)}. */
    private static final MethodHandle DEQUEUE_CALL = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), Linker.Option.critical(false));

    private static RteMempool instance;

    private final MemorySegment opsTable;
    // void rte_mempool_free(struct rte_mempool *mp);
    private final MethodHandle free;
    // unsigned int rte_mempool_avail_count(const struct rte_mempool *mp);
    private final MethodHandle availCount;
    // unsigned int rte_mempool_in_use_count(const struct rte_mempool *mp);
    private final MethodHandle inUseCount;
    // uint32_t rte_mempool_mem_iter(struct rte_mempool *mp, rte_mempool_mem_cb_t *mem_cb, void *mem_cb_arg);
    private final MethodHandle memIter;

    @SuppressWarnings("restricted") // sizing the exported ops table
    private RteMempool() {
        opsTable = LIBRARY.lookup().find("rte_mempool_ops_table")
                .orElseThrow(() -> new NativeLibraryUnavailableException(LIBRARY.soname() + " has no rte_mempool_ops_table: "
                        + "it is not DPDK 22.11 (ABI 23); install librte-mempool23", null))
                .reinterpret(OPS_TABLE_OPS + OPS_BYTES * MAX_OPS_IDX);
        free = LIBRARY.downcall("rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
        availCount = LIBRARY.downcall("rte_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        inUseCount = LIBRARY.downcall("rte_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        memIter = LIBRARY.downcall("rte_mempool_mem_iter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    /**
     * The bindings, loading librte_mempool on first use.
     *
     * @throws NativeLibraryUnavailableException the library is missing; the message names the package
     */
    public static synchronized RteMempool load() {
        if (instance == null) instance = new RteMempool();
        return instance;
    }

    public void free(MemorySegment pool) {
        try {
            free.invokeExact(pool);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int availableCount(MemorySegment pool) {
        try {
            return (int) availCount.invokeExact(pool);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int inUseCount(MemorySegment pool) {
        try {
            return (int) inUseCount.invokeExact(pool);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** A chunk of a pool's memory: {@code [address, address + length)}. */
    public record Chunk(long address, long length) {
    }

    /** The memory chunks the pool's objects live in (one, unless memory was fragmented when it was made). */
    @SuppressWarnings("restricted") // the upcall and the memhdr it is handed
    public List<Chunk> chunks(MemorySegment pool) {
        List<Chunk> chunks = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            // void (rte_mempool_mem_cb_t)(struct rte_mempool *mp, void *opaque, struct rte_mempool_memhdr *memhdr, unsigned mem_idx);
            MethodHandle target = MethodHandles.lookup().findStatic(RteMempool.class, "addChunk",
                    MethodType.methodType(void.class, List.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, int.class));
            MemorySegment callback = Linker.nativeLinker().upcallStub(MethodHandles.insertArguments(target, 0, chunks),
                    FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_INT), arena);
            int n = (int) memIter.invokeExact(pool, callback, MemorySegment.NULL);
            if (n != chunks.size()) throw new IllegalStateException("rte_mempool_mem_iter reported " + n + " chunks, the callback saw " + chunks.size());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return chunks;
    }

    @SuppressWarnings({"restricted", "unused"}) // called by the upcall stub
    private static void addChunk(List<Chunk> chunks, MemorySegment pool, MemorySegment opaque, MemorySegment memhdr, int index) {
        MemorySegment header = memhdr.reinterpret(MEMHDR_LEN + JAVA_LONG.byteSize());
        chunks.add(new Chunk(header.get(JAVA_LONG, MEMHDR_ADDR), header.get(JAVA_LONG, MEMHDR_LEN)));
    }

    /** The pool driver's dequeue function ({@code rte_mempool_ops_table.ops[pool->ops_index].dequeue}). */
    @SuppressWarnings("restricted") // reading the pool's header
    public MemorySegment dequeueFunction(MemorySegment pool) {
        int index = pool.reinterpret(MEMPOOL_BYTES).get(JAVA_INT, MEMPOOL_OPS_INDEX);
        if (index < 0 || index >= MAX_OPS_IDX) throw new IllegalStateException("mempool ops_index " + index + " is out of range");
        return opsTable.get(ADDRESS, OPS_TABLE_OPS + OPS_BYTES * index + OPS_DEQUEUE);
    }

    /** Takes {@code n} objects from the pool's driver into {@code objects}: 0, or a negative errno (all or nothing). */
    public static int dequeue(MemorySegment dequeueFunction, MemorySegment pool, MemorySegment objects, int n) {
        try {
            return (int) DEQUEUE_CALL.invokeExact(dequeueFunction, pool, objects, n);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
