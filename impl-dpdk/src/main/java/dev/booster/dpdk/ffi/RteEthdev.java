package dev.booster.dpdk.ffi;

import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Bindings to DPDK's ethdev API, {@code librte_ethdev.so.23}: port lookup, configuration, queues, start/stop/close,
 * statistics, and the fast path.
 *
 * <h2>The burst calls</h2>
 * {@code rte_eth_rx_burst} and {@code rte_eth_tx_burst} are {@code static inline} in {@code rte_ethdev.h}: no symbol
 * to bind. The inline code reads {@code rte_eth_fp_ops[port]} (an exported array, {@code struct rte_eth_fp_ops} in
 * {@code rte_ethdev_core.h}) and calls {@code rx_pkt_burst(rxq.data[queue], pkts, n)}; {@link #burst} does the same
 * through one downcall handle that takes the function's address as its first argument. The port reads the function
 * and queue pointers once, when it starts (ethdev sets them in {@code rte_eth_dev_start} and resets them in
 * {@code rte_eth_dev_stop}, and Booster stops a port only after the worker has left it).
 *
 * <p>What the inline code does besides, and Booster leaves out: the RX/TX callbacks ({@code RTE_ETHDEV_RXTX_CALLBACKS}
 * is on in Debian's build, but callbacks exist only when an application installs them, e.g. pdump or latency stats,
 * and Booster installs none) and the fast-path trace points (compiled out unless {@code RTE_ENABLE_TRACE_FP}).
 *
 * <p>Measured with {@code BurstCallCost} (in the tests): a {@code net_null} port, empty bursts so that only the call
 * is timed, medians of 12 rounds of 2 million calls, three runs on the shared 2-vCPU VM at a load average of 10 to
 * 12 (other sessions' builds):
 * <table>
 *   <tr><th>downcall</th><th>ns per call</th></tr>
 *   <tr><td>one {@code static final} handle, function address as argument, {@code critical} (used)</td><td>19.5, 26.4, 28.1</td></tr>
 *   <tr><td>the same without {@code critical} (the JVM's thread-state transition around the call)</td><td>30.2, 44.1, 46.1</td></tr>
 *   <tr><td>a handle bound per port to its function's address, in a final field, {@code critical}</td><td>22.5, 33.2, 32.8</td></tr>
 * </table>
 * The bound handle is not a JIT constant (it lives in a field of the port), so it costs an indirect invocation more
 * than the constant handle with one more argument. For scale, receiving a burst of 32 (the null PMD allocating the
 * mbufs) and freeing it took 1.2 to 2.2 µs. {@code critical} is safe here: a burst neither blocks nor calls back into
 * Java and lasts microseconds, the longest a garbage collection then waits.
 */
public final class RteEthdev {
    public static final NativeLibrary LIBRARY = new NativeLibrary("librte_ethdev.so.23", "librte-ethdev23", "DPDK's ethdev (ports)");

    /** {@code RTE_MAX_ETHPORTS} of Debian's build (rte_build_config.h): port ids are {@code 0..31}, per process. */
    public static final int MAX_ETHPORTS = 32;
    /** {@code RTE_MAX_QUEUES_PER_PORT} (rte_config.h): the length of the queue pointer arrays. */
    public static final int MAX_QUEUES_PER_PORT = 1024;
    /** {@code SOCKET_ID_ANY}: let DPDK place queue memory. */
    public static final int SOCKET_ID_ANY = -1;

    /** {@code sizeof(struct rte_eth_conf)}: passed zeroed, which asks for every default. */
    public static final long ETH_CONF_BYTES = 2272;
    /** {@code struct rte_eth_fp_ops}, one per port, cache-aligned; the offsets the inline burst calls read. */
    public static final long FP_OPS_BYTES = 128;
    public static final long FP_RX_PKT_BURST = 0;
    /** {@code rxq.data}: the array of the port's RX queue pointers. */
    public static final long FP_RXQ_DATA = 24;
    public static final long FP_TX_PKT_BURST = 64;
    public static final long FP_TXQ_DATA = 88;

    /** {@code struct rte_eth_stats}: the leading counters Booster reports. */
    public static final long ETH_STATS_BYTES = 704;
    public static final long STATS_IPACKETS = 0;
    public static final long STATS_OPACKETS = 8;
    public static final long STATS_IBYTES = 16;
    public static final long STATS_OBYTES = 24;
    public static final long STATS_IMISSED = 32;
    public static final long STATS_IERRORS = 40;
    public static final long STATS_OERRORS = 48;
    public static final long STATS_RX_NOMBUF = 56;

    /** {@code uint16_t (*eth_rx_burst_t)(void *rxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)}, and the TX twin. */
    private static final FunctionDescriptor BURST = FunctionDescriptor.of(JAVA_SHORT, ADDRESS, ADDRESS, JAVA_SHORT);
    /** The fast path: a constant the JIT can inline, the PMD's function address as first argument. */
    private static final MethodHandle BURST_CALL = Linker.nativeLinker().downcallHandle(BURST, Linker.Option.critical(false));

    private static RteEthdev instance;

    private final MemorySegment fpOps;
    // uint16_t rte_eth_dev_count_avail(void);
    private final MethodHandle countAvail;
    // int rte_eth_dev_get_port_by_name(const char *name, uint16_t *port_id);
    private final MethodHandle portByName;
    // int rte_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_queue, uint16_t nb_tx_queue, const struct rte_eth_conf *eth_conf);
    private final MethodHandle configure;
    // int rte_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc, unsigned int socket_id, const struct rte_eth_rxconf *rx_conf, struct rte_mempool *mb_pool);
    private final MethodHandle rxQueueSetup;
    // int rte_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc, unsigned int socket_id, const struct rte_eth_txconf *tx_conf);
    private final MethodHandle txQueueSetup;
    // int rte_eth_dev_start(uint16_t port_id);
    private final MethodHandle start;
    // int rte_eth_dev_stop(uint16_t port_id);
    private final MethodHandle stop;
    // int rte_eth_dev_close(uint16_t port_id);
    private final MethodHandle close;
    // int rte_eth_stats_get(uint16_t port_id, struct rte_eth_stats *stats);
    private final MethodHandle statsGet;
    // int rte_eth_macaddr_get(uint16_t port_id, struct rte_ether_addr *mac_addr);
    private final MethodHandle macaddrGet;
    // int rte_eth_promiscuous_enable(uint16_t port_id);
    private final MethodHandle promiscuousEnable;

    @SuppressWarnings("restricted") // sizing the exported fp_ops array, whose length is RTE_MAX_ETHPORTS
    private RteEthdev() {
        fpOps = LIBRARY.lookup().find("rte_eth_fp_ops")
                .orElseThrow(() -> new NativeLibraryUnavailableException(LIBRARY.soname() + " has no rte_eth_fp_ops: "
                        + "it is not DPDK 22.11 (ABI 23); install librte-ethdev23", null))
                .reinterpret(FP_OPS_BYTES * MAX_ETHPORTS);
        countAvail = LIBRARY.downcall("rte_eth_dev_count_avail", FunctionDescriptor.of(JAVA_SHORT));
        portByName = LIBRARY.downcall("rte_eth_dev_get_port_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        configure = LIBRARY.downcall("rte_eth_dev_configure", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
        rxQueueSetup = LIBRARY.downcall("rte_eth_rx_queue_setup",
                FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
        txQueueSetup = LIBRARY.downcall("rte_eth_tx_queue_setup",
                FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
        start = LIBRARY.downcall("rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
        stop = LIBRARY.downcall("rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
        close = LIBRARY.downcall("rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
        statsGet = LIBRARY.downcall("rte_eth_stats_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        macaddrGet = LIBRARY.downcall("rte_eth_macaddr_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
        promiscuousEnable = LIBRARY.downcall("rte_eth_promiscuous_enable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    }

    /**
     * The bindings, loading librte_ethdev on first use.
     *
     * @throws NativeLibraryUnavailableException the library is missing; the message names the package
     */
    public static synchronized RteEthdev load() {
        if (instance == null) instance = new RteEthdev();
        return instance;
    }

    /**
     * One RX or TX burst: {@code fn(queue, mbufs, n)}, as the inline {@code rte_eth_rx_burst}/{@code tx_burst} do.
     *
     * @param fn     {@code rte_eth_fp_ops[port].rx_pkt_burst} or {@code .tx_pkt_burst}
     * @param queue  {@code rte_eth_fp_ops[port].rxq.data[queue]} or {@code .txq.data[queue]}
     * @param mbufs  an array of at least {@code n} {@code struct rte_mbuf *}
     * @return how many packets were received into, or taken from, {@code mbufs}
     */
    public static int burst(MemorySegment fn, MemorySegment queue, MemorySegment mbufs, int n) {
        try {
            return (short) BURST_CALL.invokeExact(fn, queue, mbufs, (short) n) & 0xffff;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code rte_eth_fp_ops[port]}: read its burst functions and queue arrays after the port started. */
    public MemorySegment fastPathOps(int port) {
        if (port < 0 || port >= MAX_ETHPORTS) throw new IllegalArgumentException("port " + port + " is not in 0.." + (MAX_ETHPORTS - 1));
        return fpOps.asSlice(FP_OPS_BYTES * port, FP_OPS_BYTES);
    }

    public int countAvailable() {
        try {
            return (short) countAvail.invokeExact() & 0xffff;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The port id of device {@code name}, or a negative errno (-ENODEV: no such port). */
    public int portByName(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_SHORT);
            int rc = (int) portByName.invokeExact(arena.allocateFrom(name), out);
            return rc < 0 ? rc : out.get(JAVA_SHORT, 0) & 0xffff;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code rte_eth_dev_configure} with every default ({@code conf} zeroed, {@link #ETH_CONF_BYTES} long). */
    public int configure(int port, int rxQueues, int txQueues, MemorySegment conf) {
        try {
            return (int) configure.invokeExact((short) port, (short) rxQueues, (short) txQueues, conf);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** An RX queue of {@code descriptors} entries receiving into mbufs of {@code pool}, default queue settings. */
    public int rxQueueSetup(int port, int queue, int descriptors, MemorySegment pool) {
        try {
            return (int) rxQueueSetup.invokeExact((short) port, (short) queue, (short) descriptors, SOCKET_ID_ANY, MemorySegment.NULL, pool);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int txQueueSetup(int port, int queue, int descriptors) {
        try {
            return (int) txQueueSetup.invokeExact((short) port, (short) queue, (short) descriptors, SOCKET_ID_ANY, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int start(int port) {
        try {
            return (int) start.invokeExact((short) port);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int stop(int port) {
        try {
            return (int) stop.invokeExact((short) port);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int close(int port) {
        try {
            return (int) close.invokeExact((short) port);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Fills {@code stats} ({@link #ETH_STATS_BYTES} long). */
    public int stats(int port, MemorySegment stats) {
        try {
            return (int) statsGet.invokeExact((short) port, stats);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Writes the port's 6-byte MAC into {@code mac}. */
    public int macAddress(int port, MemorySegment mac) {
        try {
            return (int) macaddrGet.invokeExact((short) port, mac);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int promiscuousEnable(int port) {
        try {
            return (int) promiscuousEnable.invokeExact((short) port);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
