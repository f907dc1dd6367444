package dev.booster.host.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc calls the host plumbing and the backends share (the AF_XDP path, namespaces, ethtool offloads). libc is
 * always loaded into the JVM, so these handles are plain constants.
 *
 * <p>Calls whose failure is reported through {@code errno} capture it ({@link Linker.Option#captureCallState}):
 * the checked wrappers throw {@link NativeCallException}; the raw wakeup calls used on the packet path take a
 * caller-owned call-state segment ({@link #allocateCallState}) and return the C result, so they allocate nothing.
 */
@SuppressWarnings("restricted") // the bindings themselves
public final class Libc {
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_POPULATE = 0x8000;
    public static final long MAP_FAILED = -1L;
    public static final int MSG_DONTWAIT = 0x40;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int AF_XDP = 44;
    public static final int AF_INET = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    /** {@code ioctl} request of the legacy ethtool interface ({@code <linux/sockios.h>}). */
    public static final long SIOCETHTOOL = 0x8946;
    /** {@code struct ifreq}: 16 bytes of name, then a 24-byte union whose first member is the data pointer. */
    public static final long IFREQ_BYTES = 40;
    public static final long IFREQ_DATA = 16;
    public static final int IFNAMSIZ = 16;
    /** ethtool command "set TX checksum offload" ({@code <linux/ethtool.h>}), with {@code struct ethtool_value {u32 cmd, data}}. */
    public static final int ETHTOOL_STXCSUM = 0x17;
    public static final int ETHTOOL_GTXCSUM = 0x16;
    public static final long ETHTOOL_VALUE_BYTES = 8;

    /** {@code struct pollfd { int fd; short events; short revents; }} */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents")).withName("pollfd");
    public static final long POLLFD_FD = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("fd"));
    public static final long POLLFD_EVENTS = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    public static final long POLLFD_REVENTS = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle CALL_STATE_ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    // int munmap(void *addr, size_t length);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    // ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);
    private static final MethodHandle RECVFROM = downcall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    // int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // unsigned int if_nametoindex(const char *ifname);
    private static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERRNO);
    // int setns(int fd, int nstype);
    private static final MethodHandle SETNS = downcall("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int open(const char *pathname, int flags, ... /* mode_t mode */);
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    // int socket(int domain, int type, int protocol);
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int close(int fd);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    // int eventfd(unsigned int initval, int flags);
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // ssize_t read(int fd, void *buf, size_t count);
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    // ssize_t write(int fd, const void *buf, size_t count);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    // int ioctl(int fd, unsigned long request, ...);  (called with one pointer argument)
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO, Linker.Option.firstVariadicArg(2));
    // int vsnprintf(char *str, size_t size, const char *format, va_list ap);
    private static final MethodHandle VSNPRINTF = downcall("vsnprintf",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    // char *strerror(int errnum);
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** glibc's messages are far shorter; the bound only keeps a corrupt pointer from reading the whole heap. */
    private static final long STRERROR_MAX_BYTES = 1024;

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = LIBC.find(name)
                .orElseThrow(() -> new NativeLibraryUnavailableException("libc has no symbol " + name, null));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /** A segment to pass to the raw calls; {@link #errno} reads what the last call left in it. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno captured in {@code callState} by the last raw call that failed. */
    public static int errno(MemorySegment callState) {
        return (int) CALL_STATE_ERRNO.get(callState, 0L);
    }

    /** libc's text for {@code errno}, e.g. "Operation not permitted". */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(STRERROR_MAX_BYTES).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Maps {@code length} bytes; {@code what} names the mapping in the error. Returns the mapping's address. */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
            if (address.address() == MAP_FAILED) {
                throw new NativeCallException("mmap(" + what + ", " + length + " bytes)", errno(state));
            }
            return address;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(MemorySegment address, long length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MUNMAP.invokeExact(state, address, length);
            if (rc != 0) {
                throw new NativeCallException("munmap(" + what + ", " + length + " bytes)", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code sendto(fd, NULL, 0, flags, NULL, 0)}: the AF_XDP TX kick. Returns the C result; -1 sets errno in {@code callState}. */
    public static long sendtoEmpty(MemorySegment callState, int fd, int flags) {
        try {
            return (long) SENDTO.invokeExact(callState, fd, MemorySegment.NULL, 0L, flags, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code recvfrom(fd, NULL, 0, flags, NULL, NULL)}: the AF_XDP fill-ring kick. Returns the C result. */
    public static long recvfromEmpty(MemorySegment callState, int fd, int flags) {
        try {
            return (long) RECVFROM.invokeExact(callState, fd, MemorySegment.NULL, 0L, flags, MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code poll(fds, nfds, timeoutMillis)} over {@link #POLLFD} entries. Returns the C result. */
    public static int poll(MemorySegment callState, MemorySegment fds, long nfds, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(callState, fds, nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockopt} into {@code optval} (its size is the buffer length); returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int optname, MemorySegment optval, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment optlen = arena.allocate(JAVA_INT);
            optlen.set(JAVA_INT, 0, Math.toIntExact(optval.byteSize()));
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, level, optname, optval, optlen);
            if (rc != 0) {
                throw new NativeCallException("getsockopt(fd " + fd + ", " + what + ")", errno(state));
            }
            return optlen.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code vsnprintf}: formats a C library's {@code (format, va_list)} pair, as a logging callback receives it, into at
     * most {@code maxBytes - 1} bytes (longer messages are cut).
     */
    public static String vformat(MemorySegment format, MemorySegment args, int maxBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(maxBytes);
            int rc = (int) VSNPRINTF.invokeExact(buffer, (long) maxBytes, format, args);
            return rc < 0 ? "" : buffer.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt} with {@code optval} (its size is the option length). */
    public static void setsockopt(int fd, int level, int optname, MemorySegment optval, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, optname, optval, Math.toIntExact(optval.byteSize()));
            if (rc != 0) {
                throw new NativeCallException("setsockopt(fd " + fd + ", " + what + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The interface index of {@code name} in the calling thread's network namespace, or 0 when there is none. */
    public static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            return (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the calling thread into the namespace open as {@code fd}; {@code what} names it in the error. */
    public static void setns(int fd, int nstype, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SETNS.invokeExact(state, fd, nstype);
            if (rc != 0) {
                throw new NativeCallException("setns(" + what + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Opens {@code path} (no O_CREAT, so no mode) and returns the descriptor. */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new NativeCallException("open(" + path + ")", errno(state), "");
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Opens a socket and returns its descriptor; {@code what} names it in the error. */
    public static int socket(int domain, int type, int protocol, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw new NativeCallException("socket(" + what + ")", errno(state));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw new NativeCallException("close(" + fd + ")", errno(state), "");
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Creates an eventfd (a counter other threads can bump to wake a poll) and returns its descriptor. */
    public static int eventfd(int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EVENTFD.invokeExact(state, 0, flags);
            if (fd < 0) {
                throw new NativeCallException("eventfd(" + what + ")", errno(state));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code read(fd, buf, count)}. Returns the C result; -1 sets errno in {@code callState}. */
    public static long read(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(callState, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code write(fd, buf, count)}. Returns the C result; -1 sets errno in {@code callState}. */
    public static long write(MemorySegment callState, int fd, MemorySegment buf, long count) {
        try {
            return (long) WRITE.invokeExact(callState, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, arg)}; {@code what} names the request in the error. */
    public static void ioctl(int fd, long request, MemorySegment arg, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) IOCTL.invokeExact(state, fd, request, arg);
            if (rc != 0) {
                throw new NativeCallException("ioctl(" + what + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Lets unchecked exceptions (our own, or the linker's) through unchanged; downcalls throw nothing checked. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("a downcall threw a checked exception", t);
    }
}
