package dev.booster.dpdk.eal;

import dev.booster.api.DataplaneException;
import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.ffi.RteEthdev;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.dpdk.ffi.RteMempool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * This JVM's DPDK environment (EAL): initialized once, by the first dataplane that needs it, and shared by all.
 *
 * <h2>Lifetime</h2>
 * DPDK 22.11 initializes its EAL once per process: {@code rte_eal_init} guards itself with a flag that
 * {@code rte_eal_cleanup} does not reset, so a second init after a cleanup fails with "already called
 * initialization" (EALREADY; tried, see {@code EalTest}). A dataplane that called {@code rte_eal_cleanup} on close
 * would leave the JVM unable to open another. So dataplanes {@link #acquire} and {@link #release} the one EAL, and
 * {@code rte_eal_cleanup} runs once, from a shutdown hook, when no dataplane is open any more (one still open may have
 * its worker inside a PMD). What a dataplane holds (ports, vdevs, its mbuf pool) it frees on close.
 *
 * <p>EAL's runtime directory ({@code /var/run/dpdk/<prefix>}) is deleted right after init: with {@code --no-shconf}
 * or {@code --in-memory} nothing in it is used later, and EAL would leave it behind even after cleanup.
 *
 * <h2>Control calls</h2>
 * DPDK's control functions (hot-plug, port configuration, pools) are not safe to call concurrently; everything but the
 * workers' burst calls goes through {@link #call} and friends, which serialize on this object, and which turn a
 * failure into an {@link RteException} with the lines DPDK logged during the call.
 */
public final class Eal {
    private static Eal instance;
    private static DataplaneException initFailure;
    private static boolean shutDown;

    private final EalOptions options;
    private final List<String> arguments;
    private final EalLog log;
    private final RteEal rte;
    private final RteEthdev ethdev;
    private final RteMbuf mbuf;
    private final RteMempool mempool;
    private int users;

    private Eal(EalOptions options, List<String> arguments, EalLog log) {
        this.options = options;
        this.arguments = arguments;
        this.log = log;
        this.rte = RteEal.load();
        this.ethdev = RteEthdev.load();
        this.mbuf = RteMbuf.load();
        this.mempool = RteMempool.load();
    }

    /**
     * The JVM's EAL, initialized with {@code options} if this is the first use, counted as used until {@link #release}.
     *
     * @throws DataplaneException EAL init failed (now or earlier in this JVM: it cannot be retried), or the EAL runs
     *                            with other options than {@code options}
     * @throws dev.booster.host.ffi.NativeLibraryUnavailableException a DPDK library is missing
     */
    public static synchronized Eal acquire(EalOptions options) {
        if (shutDown) throw new DataplaneException("DPDK's EAL was cleaned up at JVM shutdown; no dataplane can open now");
        if (initFailure != null) {
            throw new DataplaneException("DPDK's EAL failed to initialize earlier in this JVM, and DPDK cannot retry: restart the JVM "
                    + "after fixing the cause (" + initFailure.getMessage() + ")", initFailure);
        }
        if (instance == null) {
            try {
                instance = initialize(options);
            } catch (DataplaneException e) {
                initFailure = e;
                throw e;
            }
        } else if (!instance.options.equals(options)) {
            throw new DataplaneException("DPDK's EAL runs with " + instance.options + " (arguments " + instance.arguments + "), "
                    + "and DPDK initializes it once per process; this dataplane asks for " + options
                    + ": give every dpdk dataplane of a JVM the same dpdk.memoryMb, dpdk.hugepages, dpdk.lcores, dpdk.pci and dpdk.ealArgs");
        }
        instance.users++;
        return instance;
    }

    /** This dataplane no longer uses the EAL (its ports and pool are freed). */
    public void release() {
        synchronized (Eal.class) {
            if (users <= 0) throw new IllegalStateException("Eal.release() without acquire()");
            users--;
        }
    }

    /** The JVM's EAL if one was initialized. */
    public static synchronized java.util.Optional<Eal> current() {
        return java.util.Optional.ofNullable(instance);
    }

    private static Eal initialize(EalOptions options) {
        String prefix = "booster-" + ProcessHandle.current().pid();
        List<String> arguments = options.arguments(prefix, HostMemory.hugepagesUsable(), HostMemory.cpusAllowed());
        RteEal.load(); // a missing library is reported before anything is opened
        EalLog log = EalLog.open();
        Eal eal = new Eal(options, arguments, log);
        eal.init(prefix);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("booster-dpdk-eal-cleanup").unstarted(Eal::cleanupAtExit));
        return eal;
    }

    /**
     * Runs {@code rte_eal_init} on a thread of its own: EAL sets the affinity of the thread that calls it to lcore 0's
     * CPUs and makes it lcore 0, neither of which a thread of the embedding application should get.
     */
    private void init(String prefix) {
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().name("booster-dpdk-eal-init").start(() -> {
            try {
                initOnThisThread();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException("interrupted while DPDK's EAL initialized", e);
        } finally {
            removeRuntimeDirectory(prefix);
        }
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new DataplaneException("DPDK's EAL init failed", failure[0]);
    }

    private void initOnThisThread() {
        if (rte.openLogStream(log.stream()) != 0) throw new DataplaneException("rte_openlog_stream refused DPDK's log memfd");
        long mark = log.mark();
        Arena global = Arena.global(); // EAL may keep pointers into argv for the life of the process
        MemorySegment argv = global.allocate(ADDRESS, arguments.size() + 1L);
        for (int i = 0; i < arguments.size(); i++) argv.setAtIndex(ADDRESS, i, global.allocateFrom(arguments.get(i)));
        int rc = rte.init(arguments.size(), argv);
        if (rc < 0) {
            int errno = rte.errno();
            throw new RteException("rte_eal_init(" + String.join(" ", arguments.subList(1, arguments.size())) + ")", errno,
                    rte.strerror(errno), log.tail(mark));
        }
        log.forward();
    }

    private static void cleanupAtExit() {
        synchronized (Eal.class) {
            if (instance == null || instance.users > 0) return; // a worker may still be inside a PMD
            synchronized (instance) {
                instance.rte.cleanup();
            }
            shutDown = true;
        }
    }

    private static void removeRuntimeDirectory(String prefix) {
        Path dir = HostMemory.runtimeDirectory().resolve(prefix);
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove DPDK's runtime directory " + dir, e);
        }
    }

    public EalOptions options() {
        return options;
    }

    /** The arguments {@code rte_eal_init} was given. */
    public List<String> arguments() {
        return arguments;
    }

    public RteEal rte() {
        return rte;
    }

    public RteEthdev ethdev() {
        return ethdev;
    }

    public RteMbuf mbuf() {
        return mbuf;
    }

    public RteMempool mempool() {
        return mempool;
    }

    /**
     * Runs a control call that returns 0 or more on success and a negative errno on failure ({@code -ENODEV}).
     *
     * @param call the C call with the arguments that identify it, for the error
     * @throws RteException the call failed; with DPDK's text and log lines
     */
    public synchronized int call(String call, IntSupplier nativeCall) {
        long mark = log.mark();
        int rc = nativeCall.getAsInt();
        if (rc < 0) throw new RteException(call, -rc, rte.strerror(-rc), log.tail(mark));
        log.forward();
        return rc;
    }

    /**
     * Runs a control call that returns 0 on success and only a bare -1 on failure (device probing: the driver's reason
     * is in the log, not the return value, and -1 read as an errno would say EPERM).
     *
     * @throws RteException the call failed; with DPDK's log lines
     */
    public synchronized int callForStatus(String call, IntSupplier nativeCall) {
        long mark = log.mark();
        int rc = nativeCall.getAsInt();
        if (rc == -1) throw new RteException(call, 0, "failed", log.tail(mark));
        if (rc < 0) throw new RteException(call, -rc, rte.strerror(-rc), log.tail(mark));
        log.forward();
        return rc;
    }

    /**
     * Runs a control call that returns a pointer, {@code NULL} with {@code rte_errno} set on failure.
     *
     * @throws RteException the call returned {@code NULL}; with DPDK's text and log lines
     */
    public synchronized MemorySegment callForPointer(String call, Supplier<MemorySegment> nativeCall) {
        long mark = log.mark();
        MemorySegment result = nativeCall.get();
        if (result.equals(MemorySegment.NULL)) {
            int errno = rte.errno();
            throw new RteException(call, errno, rte.strerror(errno), log.tail(mark));
        }
        log.forward();
        return result;
    }

    /** Runs control work that reports no error (frees, counts) under the same serialization. */
    public synchronized <T> T locked(Supplier<T> work) {
        try {
            return work.get();
        } finally {
            log.forward();
        }
    }

    /** Everything DPDK logged so far in this JVM. */
    public synchronized List<String> logLines() {
        return log.all();
    }

    /** Bytes the EAL heap has handed out on NUMA socket 0: what pools and ports hold, for leak checks. */
    public synchronized long heapAllocatedBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stats = arena.allocate(RteEal.MALLOC_SOCKET_STATS);
            if (rte.mallocSocketStats(0, stats) != 0) throw new DataplaneException("rte_malloc_get_socket_stats(0) failed");
            return stats.get(java.lang.foreign.ValueLayout.JAVA_LONG, RteEal.MALLOC_STATS_ALLOCATED_BYTES);
        }
    }

    @Override
    public String toString() {
        return "Eal" + arguments;
    }
}
