package dev.booster.dpdk.ffi;

import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Bindings to DPDK's packet buffers, {@code librte_mbuf.so.23}: pktmbuf pools and bulk free, and the offsets of
 * {@code struct rte_mbuf} (rte_mbuf_core.h, DPDK 22.11, x86-64, {@code RTE_IOVA_AS_PA}) the packet path reads and
 * writes in place. {@code MbufLayoutTest} checks the offsets against what gcc makes of the installed headers.
 */
public final class RteMbuf {
    public static final NativeLibrary LIBRARY = new NativeLibrary("librte_mbuf.so.23", "librte-mbuf23", "DPDK's packet buffers");

    /** {@code sizeof(struct rte_mbuf)}: two cache lines; the data buffer follows (after the private area, none here). */
    public static final int MBUF_BYTES = 128;
    /** {@code RTE_PKTMBUF_HEADROOM} (rte_config.h). */
    public static final int PKTMBUF_HEADROOM = 128;
    /** {@code RTE_MBUF_PORT_INVALID}. */
    public static final int PORT_INVALID = 0xffff;

    public static final long BUF_ADDR = 0;        // void *
    public static final long DATA_OFF = 16;       // uint16_t
    public static final long REFCNT = 18;         // uint16_t
    public static final long NB_SEGS = 20;        // uint16_t
    public static final long PORT = 22;           // uint16_t
    public static final long OL_FLAGS = 24;       // uint64_t
    public static final long PACKET_TYPE = 32;    // uint32_t
    public static final long PKT_LEN = 36;        // uint32_t
    public static final long DATA_LEN = 40;       // uint16_t
    public static final long VLAN_TCI = 42;       // uint16_t
    public static final long BUF_LEN = 54;        // uint16_t
    public static final long POOL = 56;           // struct rte_mempool *
    public static final long NEXT = 64;           // struct rte_mbuf *
    public static final long TX_OFFLOAD = 72;     // uint64_t

    private static RteMbuf instance;

    // struct rte_mempool *rte_pktmbuf_pool_create(const char *name, unsigned int n, unsigned int cache_size, uint16_t priv_size, uint16_t data_room_size, int socket_id);
    private final MethodHandle poolCreate;
    // void rte_pktmbuf_free_bulk(struct rte_mbuf **mbufs, unsigned int count);
    private final MethodHandle freeBulk;

    private RteMbuf() {
        poolCreate = LIBRARY.downcall("rte_pktmbuf_pool_create",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
        // critical: called on the packet path with a batch of dropped packets; it neither blocks nor calls back.
        freeBulk = LIBRARY.downcall("rte_pktmbuf_free_bulk", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT),
                java.lang.foreign.Linker.Option.critical(false));
    }

    /**
     * The bindings, loading librte_mbuf on first use.
     *
     * @throws NativeLibraryUnavailableException the library is missing; the message names the package
     */
    public static synchronized RteMbuf load() {
        if (instance == null) instance = new RteMbuf();
        return instance;
    }

    /**
     * A pool of {@code count} mbufs with {@code dataRoom} bytes of buffer each (headroom included), no private area,
     * on any NUMA socket; {@code NULL} with {@code rte_errno} set on failure.
     */
    public MemorySegment poolCreate(String name, int count, int cacheSize, int dataRoom) {
        try (Arena arena = Arena.ofConfined()) {
            return (MemorySegment) poolCreate.invokeExact(arena.allocateFrom(name), count, cacheSize, (short) 0, (short) dataRoom,
                    RteEthdev.SOCKET_ID_ANY);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Frees {@code count} mbufs (whole chains, honouring reference counts) whose pointers are in {@code mbufs}. */
    public void freeBulk(MemorySegment mbufs, int count) {
        try {
            freeBulk.invokeExact(mbufs, count);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
