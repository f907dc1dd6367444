package dev.booster.afxdp.ffi;

import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.Libc;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Bindings to the AF_XDP part of libxdp ({@code <xdp/xsk.h>}) and the kernel's {@code <linux/if_xdp.h>}, whose
 * structs and constants it passes through. The ring index arithmetic ({@code xsk_ring_prod__reserve} and friends)
 * is inline in the header and done in Java instead; see {@code dev.booster.afxdp.xsk}.
 *
 * <p>Obtain the bindings with {@link #load()}, which loads {@code libxdp.so.1} once and says which package to
 * install when it is missing. The xsk_* calls return {@code -errno}; the wrappers turn that into
 * {@link NativeCallException}.
 */
public final class Libxdp {
    public static final NativeLibrary LIBRARY = new NativeLibrary("libxdp.so.1", "libxdp1", "AF_XDP sockets need it");

    // <linux/if_xdp.h>: bind flags (struct sockaddr_xdp.sxdp_flags, xsk_socket_config.bind_flags)
    public static final short XDP_SHARED_UMEM = 1 << 0;
    public static final short XDP_COPY = 1 << 1;
    public static final short XDP_ZEROCOPY = 1 << 2;
    public static final short XDP_USE_NEED_WAKEUP = 1 << 3;
    /** Set by the kernel in a ring's flags word when user space must wake it (sendto / recvfrom / poll). */
    public static final int XDP_RING_NEED_WAKEUP = 1 << 0;
    public static final int SOL_XDP = 283;
    public static final int XDP_STATISTICS = 7;
    public static final int XDP_OPTIONS = 8;
    public static final int XDP_OPTIONS_ZEROCOPY = 1 << 0;
    /**
     * Frames one copy-mode {@code sendto} may transmit (Linux 6.17 and later; 32 before, and older kernels answer
     * ENOPROTOOPT). The kernel accepts 32 up to the TX ring's size.
     */
    public static final int XDP_MAX_TX_SKB_BUDGET = 9;
    /** Bytes the kernel keeps in front of every received frame in a UMEM chunk (XDP_PACKET_HEADROOM). */
    public static final int XDP_PACKET_HEADROOM = 256;
    // <linux/if_link.h>: how the XDP program is attached (xsk_socket_config.xdp_flags)
    public static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    public static final int XDP_FLAGS_DRV_MODE = 1 << 2;
    // <xdp/xsk.h>: xsk_socket_config.libxdp_flags
    public static final int XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD = 1 << 0;

    /** {@code struct xsk_ring_prod} and {@code struct xsk_ring_cons} (the same shape, DEFINE_XSK_RING). */
    public static final StructLayout XSK_RING = MemoryLayout.structLayout(
            JAVA_INT.withName("cached_prod"),
            JAVA_INT.withName("cached_cons"),
            JAVA_INT.withName("mask"),
            JAVA_INT.withName("size"),
            ADDRESS.withName("producer"),
            ADDRESS.withName("consumer"),
            ADDRESS.withName("ring"),
            ADDRESS.withName("flags")).withName("xsk_ring");
    public static final long XSK_RING_CACHED_PROD = XSK_RING.byteOffset(groupElement("cached_prod"));
    public static final long XSK_RING_CACHED_CONS = XSK_RING.byteOffset(groupElement("cached_cons"));
    public static final long XSK_RING_MASK = XSK_RING.byteOffset(groupElement("mask"));
    public static final long XSK_RING_SIZE = XSK_RING.byteOffset(groupElement("size"));
    public static final long XSK_RING_PRODUCER = XSK_RING.byteOffset(groupElement("producer"));
    public static final long XSK_RING_CONSUMER = XSK_RING.byteOffset(groupElement("consumer"));
    public static final long XSK_RING_RING = XSK_RING.byteOffset(groupElement("ring"));
    public static final long XSK_RING_FLAGS = XSK_RING.byteOffset(groupElement("flags"));

    /** {@code struct xsk_umem_config}. */
    public static final StructLayout XSK_UMEM_CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("fill_size"),
            JAVA_INT.withName("comp_size"),
            JAVA_INT.withName("frame_size"),
            JAVA_INT.withName("frame_headroom"),
            JAVA_INT.withName("flags")).withName("xsk_umem_config");

    /** {@code struct xsk_socket_config} (libbpf_flags and libxdp_flags are one union member). */
    public static final StructLayout XSK_SOCKET_CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("rx_size"),
            JAVA_INT.withName("tx_size"),
            JAVA_INT.withName("libxdp_flags"),
            JAVA_INT.withName("xdp_flags"),
            JAVA_SHORT.withName("bind_flags"),
            MemoryLayout.paddingLayout(2)).withName("xsk_socket_config");

    /** {@code struct xdp_desc}: one RX or TX ring entry. Fill and completion entries are a bare {@code __u64} address. */
    public static final StructLayout XDP_DESC = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("options")).withName("xdp_desc");
    public static final long XDP_DESC_ADDR = XDP_DESC.byteOffset(groupElement("addr"));
    public static final long XDP_DESC_LEN = XDP_DESC.byteOffset(groupElement("len"));

    /** {@code struct xdp_statistics} (kernels before 5.9 fill only the first three fields). */
    public static final StructLayout XDP_STATISTICS_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("rx_dropped"),
            JAVA_LONG.withName("rx_invalid_descs"),
            JAVA_LONG.withName("tx_invalid_descs"),
            JAVA_LONG.withName("rx_ring_full"),
            JAVA_LONG.withName("rx_fill_ring_empty_descs"),
            JAVA_LONG.withName("tx_ring_empty_descs")).withName("xdp_statistics");

    /** {@code struct xdp_options}. */
    public static final StructLayout XDP_OPTIONS_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("flags")).withName("xdp_options");

    private static Libxdp instance;

    // int xsk_umem__create(struct xsk_umem **umem, void *umem_area, __u64 size, struct xsk_ring_prod *fill, struct xsk_ring_cons *comp, const struct xsk_umem_config *config);
    private final MethodHandle xskUmemCreate;
    // int xsk_socket__create(struct xsk_socket **xsk, const char *ifname, __u32 queue_id, struct xsk_umem *umem, struct xsk_ring_cons *rx, struct xsk_ring_prod *tx, const struct xsk_socket_config *config);
    private final MethodHandle xskSocketCreate;
    // int xsk_socket__create_shared(struct xsk_socket **xsk_ptr, const char *ifname, __u32 queue_id, struct xsk_umem *umem, struct xsk_ring_cons *rx, struct xsk_ring_prod *tx, struct xsk_ring_prod *fill, struct xsk_ring_cons *comp, const struct xsk_socket_config *config);
    private final MethodHandle xskSocketCreateShared;
    // int xsk_socket__fd(const struct xsk_socket *xsk);
    private final MethodHandle xskSocketFd;
    // int xsk_umem__fd(const struct xsk_umem *umem);
    private final MethodHandle xskUmemFd;
    // libxdp_print_fn_t libxdp_set_print(libxdp_print_fn_t fn);
    private final MethodHandle libxdpSetPrint;
    // void xsk_socket__delete(struct xsk_socket *xsk);
    private final MethodHandle xskSocketDelete;
    // int xsk_umem__delete(struct xsk_umem *umem);
    private final MethodHandle xskUmemDelete;

    private Libxdp() {
        xskUmemCreate = LIBRARY.downcall("xsk_umem__create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        xskSocketCreate = LIBRARY.downcall("xsk_socket__create",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        xskSocketCreateShared = LIBRARY.downcall("xsk_socket__create_shared",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        xskSocketFd = LIBRARY.downcall("xsk_socket__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        xskUmemFd = LIBRARY.downcall("xsk_umem__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        xskSocketDelete = LIBRARY.downcall("xsk_socket__delete", FunctionDescriptor.ofVoid(ADDRESS));
        libxdpSetPrint = LIBRARY.downcall("libxdp_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
        xskUmemDelete = LIBRARY.downcall("xsk_umem__delete", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /**
     * The bindings, loading libxdp on first use (and sending its messages to the {@link LibraryLog} logger
     * {@value LibraryLog#LIBXDP_LOGGER} instead of stderr; libbpf's too, which libxdp calls).
     *
     * @throws NativeLibraryUnavailableException libxdp is missing or too old; the message names the package
     */
    public static synchronized Libxdp load() {
        if (instance == null) {
            Libxdp loaded = new Libxdp();
            loaded.setPrint(LibraryLog.callback(LibraryLog.LIBXDP_LOGGER));
            Libbpf.unavailableReason(); // loads libbpf, which installs its printer, if it is there
            instance = loaded;
        }
        return instance;
    }

    /** Installs {@code callback} as libxdp's printer; returns the one before. */
    MemorySegment setPrint(MemorySegment callback) {
        try {
            return (MemorySegment) libxdpSetPrint.invokeExact(callback);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Empty when libxdp can be used; otherwise why not. Never throws. */
    public static Optional<String> unavailableReason() {
        try {
            load();
            return Optional.empty();
        } catch (NativeLibraryUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Registers {@code size} bytes at {@code area} as a UMEM and maps its fill and completion rings into the structs.
     * The same memory may be registered more than once (one registration per socket, see {@code Umem}).
     */
    public MemorySegment umemCreate(MemorySegment area, long size, MemorySegment fill, MemorySegment comp, MemorySegment config) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) xskUmemCreate.invokeExact(out, area, size, fill, comp, config);
            check(rc, "xsk_umem__create(" + size + " bytes)");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Creates and binds a socket on {@code ifname}'s {@code queue}, using the UMEM's own fill and completion rings. */
    public MemorySegment socketCreate(String ifname, int queue, MemorySegment umem, MemorySegment rx, MemorySegment tx,
                                      MemorySegment config) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) xskSocketCreate.invokeExact(out, arena.allocateFrom(ifname), queue, umem, rx, tx, config);
            check(rc, "xsk_socket__create(" + ifname + ", queue " + queue + ")");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** As {@link #socketCreate}, for a further socket on a UMEM that is already bound: it gets its own fill and completion rings. */
    public MemorySegment socketCreateShared(String ifname, int queue, MemorySegment umem, MemorySegment rx, MemorySegment tx,
                                            MemorySegment fill, MemorySegment comp, MemorySegment config) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) xskSocketCreateShared.invokeExact(out, arena.allocateFrom(ifname), queue, umem, rx, tx, fill, comp, config);
            check(rc, "xsk_socket__create_shared(" + ifname + ", queue " + queue + ")");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int socketFd(MemorySegment xsk) {
        try {
            int fd = (int) xskSocketFd.invokeExact(xsk);
            check(fd, "xsk_socket__fd");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int umemFd(MemorySegment umem) {
        try {
            int fd = (int) xskUmemFd.invokeExact(umem);
            check(fd, "xsk_umem__fd");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Unmaps the socket's rings, removes it from the XSKMAP and detaches the default XDP program when it was the last user. */
    public void socketDelete(MemorySegment xsk) {
        try {
            xskSocketDelete.invokeExact(xsk);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Closes the UMEM's descriptor; fails with EBUSY while a socket still uses it. */
    public void umemDelete(MemorySegment umem) {
        try {
            int rc = (int) xskUmemDelete.invokeExact(umem);
            if (rc < 0) {
                throw new NativeCallException("xsk_umem__delete", -rc, rc == -Errno.EBUSY ? "close the sockets bound to this UMEM first" : "");
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static void check(int rc, String call) {
        if (rc < 0) {
            throw new NativeCallException(call, -rc);
        }
    }
}
