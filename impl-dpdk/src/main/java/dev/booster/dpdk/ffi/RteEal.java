package dev.booster.dpdk.ffi;

import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Bindings to DPDK's environment abstraction layer, {@code librte_eal.so.23} (DPDK 22.11): init and cleanup, the log
 * stream, device hot-plug, heap statistics, error text and {@code rte_errno}.
 *
 * <p>The calls return C results as they are; {@code dev.booster.dpdk.eal.Eal} serializes them and turns failures
 * into exceptions carrying DPDK's own log lines.
 */
@SuppressWarnings("restricted") // reading C strings and the TLS variable DPDK hands out
public final class RteEal {
    public static final NativeLibrary LIBRARY = new NativeLibrary("librte_eal.so.23", "librte-eal23", "DPDK's EAL");

    /** {@code struct rte_malloc_socket_stats} (rte_malloc.h): only the fields the leak checks read. */
    public static final StructLayout MALLOC_SOCKET_STATS = MemoryLayout.structLayout(
            JAVA_LONG.withName("heap_totalsz_bytes"),
            JAVA_LONG.withName("heap_freesz_bytes"),
            JAVA_LONG.withName("greatest_free_size"),
            JAVA_INT.withName("free_count"),
            JAVA_INT.withName("alloc_count"),
            JAVA_LONG.withName("heap_allocsz_bytes")).withName("rte_malloc_socket_stats");
    public static final long MALLOC_STATS_ALLOC_COUNT = MALLOC_SOCKET_STATS.byteOffset(groupElement("alloc_count"));
    public static final long MALLOC_STATS_ALLOCATED_BYTES = MALLOC_SOCKET_STATS.byteOffset(groupElement("heap_allocsz_bytes"));

    /** The bus name of virtual devices (net_af_packet, net_memif, net_tap...) for hot-plug. */
    public static final String VDEV_BUS = "vdev";
    /** The bus name of PCI devices. */
    public static final String PCI_BUS = "pci";

    private static RteEal instance;

    // int rte_eal_init(int argc, char **argv);
    private final MethodHandle ealInit;
    // int rte_eal_cleanup(void);
    private final MethodHandle ealCleanup;
    // const char *rte_strerror(int errnum);
    private final MethodHandle strerror;
    // int rte_openlog_stream(FILE *f);
    private final MethodHandle openlogStream;
    // int rte_eal_hotplug_add(const char *busname, const char *devname, const char *drvargs);
    private final MethodHandle hotplugAdd;
    // int rte_eal_hotplug_remove(const char *busname, const char *devname);
    private final MethodHandle hotplugRemove;
    // int rte_malloc_get_socket_stats(int socket, struct rte_malloc_socket_stats *socket_stats);
    private final MethodHandle mallocSocketStats;

    private RteEal() {
        ealInit = LIBRARY.downcall("rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        ealCleanup = LIBRARY.downcall("rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
        strerror = LIBRARY.downcall("rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        openlogStream = LIBRARY.downcall("rte_openlog_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        hotplugAdd = LIBRARY.downcall("rte_eal_hotplug_add", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        hotplugRemove = LIBRARY.downcall("rte_eal_hotplug_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        mallocSocketStats = LIBRARY.downcall("rte_malloc_get_socket_stats", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /**
     * The bindings, loading librte_eal on first use.
     *
     * @throws NativeLibraryUnavailableException the library is missing; the message names the package
     */
    public static synchronized RteEal load() {
        if (instance == null) instance = new RteEal();
        return instance;
    }

    /** {@code rte_eal_init}: the number of arguments parsed, or -1 with {@link #errno()} set. */
    public int init(int argc, MemorySegment argv) {
        try {
            return (int) ealInit.invokeExact(argc, argv);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int cleanup() {
        try {
            return (int) ealCleanup.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** DPDK's text for an errno value or one of its own ({@code E_RTE_SECONDARY}, {@code E_RTE_NO_CONFIG}). */
    public String strerror(int errnum) {
        try {
            MemorySegment text = (MemorySegment) strerror.invokeExact(errnum);
            return text.equals(MemorySegment.NULL) ? "error " + errnum : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Makes DPDK log into {@code file} (a {@code FILE *}) instead of stdout and syslog. */
    public int openLogStream(MemorySegment file) {
        try {
            return (int) openlogStream.invokeExact(file);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Probes device {@code name} on {@code bus} with driver arguments {@code args}: 0 or a negative errno. */
    public int hotplugAdd(String bus, String name, String args) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) hotplugAdd.invokeExact(arena.allocateFrom(bus), arena.allocateFrom(name), arena.allocateFrom(args));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Removes device {@code name} from {@code bus}: 0 or a negative errno. */
    public int hotplugRemove(String bus, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) hotplugRemove.invokeExact(arena.allocateFrom(bus), arena.allocateFrom(name));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Fills {@code stats} ({@link #MALLOC_SOCKET_STATS}) for NUMA socket {@code socket}: 0 or -1. */
    public int mallocSocketStats(int socket, MemorySegment stats) {
        try {
            return (int) mallocSocketStats.invokeExact(socket, stats);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * The calling thread's {@code rte_errno}. It is a thread-local variable ({@code per_lcore__rte_errno}), which no
     * downcall can return; but {@code dlsym} resolves a TLS symbol to the calling thread's copy, and the library
     * lookup calls {@code dlsym} on every {@code find}. So read it on the thread that made the failed call.
     */
    public int errno() {
        MemorySegment address = LIBRARY.lookup().find("per_lcore__rte_errno")
                .orElseThrow(() -> new NativeLibraryUnavailableException(LIBRARY.soname() + " has no symbol per_lcore__rte_errno", null));
        return address.reinterpret(JAVA_INT.byteSize()).get(JAVA_INT, 0);
    }
}
