package dev.booster.memif.ffi;

import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.NativeCallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The libc calls memif needs: UNIX SEQPACKET sockets with file-descriptor passing, memfd shared memory, eventfds and
 * poll. libc is always loaded into the JVM, so the handles are plain constants. Layouts are those of Linux on LP64
 * (x86_64 and aarch64 agree on all of them).
 *
 * <p>Every call that reports failure through {@code errno} captures it ({@link Linker.Option#captureCallState}); the
 * checked wrappers turn a failure into a {@link NativeCallException} naming the call. The two raw eventfd calls used
 * on the packet path return the C result and allocate nothing.
 */
@SuppressWarnings("restricted") // the bindings themselves
public final class Libc {
    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int MFD_CLOEXEC = 0x1;
    public static final int MFD_ALLOW_SEALING = 0x2;
    public static final int F_ADD_SEALS = 1033;
    public static final int F_GET_SEALS = 1034;
    public static final int F_SEAL_SHRINK = 0x2;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x1;
    public static final int SEEK_END = 2;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    private static final long MAP_FAILED = -1L;

    /** {@code struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }} */
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"), MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"))
            .withName("sockaddr_un");
    /** The longest socket path: sun_path less the terminating (or, for abstract names, the leading) NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /** {@code struct iovec { void *iov_base; size_t iov_len; }} */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len")).withName("iovec");

    /** {@code struct msghdr}: name, namelen, iov, iovlen, control, controllen, flags (with the LP64 padding). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4)).withName("msghdr");

    /** {@code struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }}, data follows (CMSG_DATA). */
    public static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"))
            .withName("cmsghdr");

    /** {@code struct pollfd { int fd; short events; short revents; }} */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents")).withName("pollfd");
    public static final long POLLFD_EVENTS = POLLFD.byteOffset(groupElement("events"));
    public static final long POLLFD_REVENTS = POLLFD.byteOffset(groupElement("revents"));

    private static final long MSG_NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    private static final long MSG_NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    private static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    private static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    private static final long MSG_CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    private static final long MSG_CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    private static final long MSG_FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    private static final long CMSG_LEN = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    private static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    private static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    /** Room for the descriptors a peer may pass with one message, and its credentials if it sends them. */
    private static final int CONTROL_BUFFER_BYTES = 256;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle CALL_STATE_ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    // int socket(int domain, int type, int protocol);
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // int listen(int sockfd, int backlog);
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
    private static final MethodHandle ACCEPT4 = downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), ERRNO);
    // int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
    private static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);
    private static final MethodHandle SENDMSG = downcall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);
    private static final MethodHandle RECVMSG = downcall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // int memfd_create(const char *name, unsigned int flags);
    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // int ftruncate(int fd, off_t length);
    private static final MethodHandle FTRUNCATE = downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    // off_t lseek(int fd, off_t offset, int whence);
    private static final MethodHandle LSEEK = downcall("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), ERRNO);
    // int fcntl(int fd, int cmd, ... /* int arg */);
    private static final MethodHandle FCNTL = downcall("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            ERRNO, Linker.Option.firstVariadicArg(2));
    // void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    // int munmap(void *addr, size_t length);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    // int eventfd(unsigned int initval, int flags);
    private static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    // ssize_t read(int fd, void *buf, size_t count);
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    // ssize_t write(int fd, const void *buf, size_t count);
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    // int poll(struct pollfd *fds, nfds_t nfds, int timeout);
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    // int close(int fd);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name + " (memif needs glibc 2.27 or later)"));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    /** What {@link #recvmsg} read: the byte count, the descriptors passed with it (now owned by the caller), flags. */
    public record Received(int bytes, int[] fds, int flags) {
        public boolean truncated() {
            return (flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) CALL_STATE_ERRNO.get(state, 0L);
    }

    /** A UNIX socket of {@code type} (flags such as {@link #SOCK_CLOEXEC} may be or-ed in); returns its descriptor. */
    public static int socket(int type, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, AF_UNIX, type, 0);
            if (fd < 0) throw failed("socket(AF_UNIX, " + what + ")", errno(state));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Fills a {@code sockaddr_un} for {@code path} and returns the address length to pass: a filesystem path, or
     * {@code @name} for the abstract namespace (sun_path[0] = NUL, the name after it, length exact as libmemif and
     * DPDK compute it, so the names match theirs).
     */
    public static int sockaddrUn(MemorySegment address, String path) {
        boolean isAbstract = path.startsWith("@");
        byte[] name = (isAbstract ? path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        if (name.length == 0) throw new IllegalArgumentException("socket path is empty");
        if (name.length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("socket path " + path + " is " + name.length + " bytes; sun_path holds " + MAX_SOCKET_PATH_BYTES);
        }
        for (byte b : name) {
            if (b == 0) throw new IllegalArgumentException("socket path contains a NUL byte");
        }
        address.fill((byte) 0);
        address.set(JAVA_SHORT, 0, (short) AF_UNIX);
        long pathOffset = SOCKADDR_UN.byteOffset(groupElement("sun_path"));
        MemorySegment.copy(name, 0, address, JAVA_BYTE, pathOffset + (isAbstract ? 1 : 0), name.length);
        return (int) pathOffset + 1 + name.length;
    }

    public static void bind(int fd, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = arena.allocate(SOCKADDR_UN);
            int length = sockaddrUn(address, path);
            int rc = (int) BIND.invokeExact(state, fd, address, length);
            if (rc != 0) throw failed("bind(" + path + ")", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void listen(int fd, int backlog, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) LISTEN.invokeExact(state, fd, backlog);
            if (rc != 0) throw failed("listen(" + what + ")", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Accepts one connection (close-on-exec) from a non-blocking listener; -1 when none is pending. */
    public static int accept(int listenFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) ACCEPT4.invokeExact(state, listenFd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            if (fd < 0) {
                int errno = errno(state);
                if (errno == Errno.EAGAIN || errno == Errno.EINTR) return -1;
                throw failed("accept(" + what + ")", errno);
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void connect(int fd, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = arena.allocate(SOCKADDR_UN);
            int length = sockaddrUn(address, path);
            int rc = (int) CONNECT.invokeExact(state, fd, address, length);
            if (rc != 0) throw failed("connect(" + path + ")", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Sends {@code data} as one message, with {@code passFd} attached as SCM_RIGHTS when it is not negative. Never
     * raises SIGPIPE. Returns the bytes sent.
     */
    public static long sendmsg(int fd, byte[] data, int passFd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment payload = arena.allocateFrom(JAVA_BYTE, data);
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, IOVEC.byteOffset(groupElement("iov_base")), payload);
            iov.set(JAVA_LONG, IOVEC.byteOffset(groupElement("iov_len")), data.length);
            MemorySegment msg = arena.allocate(MSGHDR);
            msg.set(ADDRESS, MSG_IOV, iov);
            msg.set(JAVA_LONG, MSG_IOVLEN, 1);
            if (passFd >= 0) {
                long space = cmsgSpace(Integer.BYTES);
                MemorySegment control = arena.allocate(space, 8);
                control.set(JAVA_LONG, CMSG_LEN, cmsgLen(Integer.BYTES));
                control.set(JAVA_INT, CMSG_LEVEL, SOL_SOCKET);
                control.set(JAVA_INT, CMSG_TYPE, SCM_RIGHTS);
                control.set(JAVA_INT, CMSGHDR.byteSize(), passFd);
                msg.set(ADDRESS, MSG_CONTROL, control);
                msg.set(JAVA_LONG, MSG_CONTROLLEN, space);
            }
            long sent;
            do {
                sent = (long) SENDMSG.invokeExact(state, fd, msg, MSG_NOSIGNAL);
            } while (sent < 0 && errno(state) == Errno.EINTR);
            if (sent < 0) throw failed("sendmsg(" + what + ")", errno(state));
            return sent;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Receives one message into {@code buffer} without blocking (close-on-exec for passed descriptors). Every
     * SCM_RIGHTS descriptor that arrived is returned, so the caller can close those it does not want. Returns null
     * when nothing is waiting; a byte count of 0 means the peer closed the connection.
     */
    public static Received recvmsg(int fd, byte[] buffer, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment payload = arena.allocate(buffer.length);
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, IOVEC.byteOffset(groupElement("iov_base")), payload);
            iov.set(JAVA_LONG, IOVEC.byteOffset(groupElement("iov_len")), buffer.length);
            MemorySegment control = arena.allocate(CONTROL_BUFFER_BYTES, 8);
            MemorySegment msg = arena.allocate(MSGHDR);
            msg.set(ADDRESS, MSG_NAME, MemorySegment.NULL);
            msg.set(JAVA_INT, MSG_NAMELEN, 0);
            msg.set(ADDRESS, MSG_IOV, iov);
            msg.set(JAVA_LONG, MSG_IOVLEN, 1);
            msg.set(ADDRESS, MSG_CONTROL, control);
            msg.set(JAVA_LONG, MSG_CONTROLLEN, CONTROL_BUFFER_BYTES);
            long received;
            do {
                received = (long) RECVMSG.invokeExact(state, fd, msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
            } while (received < 0 && errno(state) == Errno.EINTR);
            if (received < 0) {
                if (errno(state) == Errno.EAGAIN) return null;
                throw failed("recvmsg(" + what + ")", errno(state));
            }
            int length = (int) Math.min(received, buffer.length);
            MemorySegment.copy(payload, JAVA_BYTE, 0, buffer, 0, length);
            int[] fds = passedDescriptors(control, msg.get(JAVA_LONG, MSG_CONTROLLEN));
            return new Received((int) received, fds, msg.get(JAVA_INT, MSG_FLAGS));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Walks the control messages as CMSG_FIRSTHDR/CMSG_NXTHDR do and collects every SCM_RIGHTS descriptor. */
    static int[] passedDescriptors(MemorySegment control, long controlLength) {
        int[] fds = new int[0];
        long offset = 0;
        long end = Math.min(controlLength, control.byteSize());
        while (offset + CMSGHDR.byteSize() <= end) {
            long length = control.get(JAVA_LONG, offset + CMSG_LEN);
            if (length < CMSGHDR.byteSize() || offset + length > end) break;
            if (control.get(JAVA_INT, offset + CMSG_LEVEL) == SOL_SOCKET && control.get(JAVA_INT, offset + CMSG_TYPE) == SCM_RIGHTS) {
                int count = (int) ((length - CMSGHDR.byteSize()) / Integer.BYTES);
                int first = fds.length;
                fds = Arrays.copyOf(fds, first + count);
                for (int i = 0; i < count; i++) {
                    fds[first + i] = control.get(JAVA_INT, offset + CMSGHDR.byteSize() + (long) i * Integer.BYTES);
                }
            }
            offset += cmsgAlign(length);
        }
        return fds;
    }

    private static long cmsgAlign(long length) {
        return (length + Long.BYTES - 1) & -Long.BYTES;
    }

    /** CMSG_SPACE(n): header plus data, padded to the next header. */
    public static long cmsgSpace(int dataBytes) {
        return CMSGHDR.byteSize() + cmsgAlign(dataBytes);
    }

    /** CMSG_LEN(n): header plus data, unpadded, as cmsg_len wants it. */
    public static long cmsgLen(int dataBytes) {
        return CMSGHDR.byteSize() + dataBytes;
    }

    /** An anonymous shared-memory file (close-on-exec, sealable); returns its descriptor. */
    public static int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), flags);
            if (fd < 0) throw failed("memfd_create(" + name + ")", errno(state));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void ftruncate(int fd, long length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) FTRUNCATE.invokeExact(state, fd, length);
            if (rc != 0) throw failed("ftruncate(" + what + ", " + length + " bytes)", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The size of the file open as {@code fd} (lseek to its end). */
    public static long fileSize(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long size = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_END);
            if (size < 0) throw failed("lseek(" + what + ", SEEK_END)", errno(state));
            return size;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)}; returns the C result. */
    public static int fcntl(int fd, int cmd, int arg, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) FCNTL.invokeExact(state, fd, cmd, arg);
            if (rc < 0) throw failed("fcntl(" + what + ")", errno(state));
            return rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Maps {@code length} bytes of {@code fd} shared, read-write; returns the mapping's address (zero length). */
    public static MemorySegment mmapShared(int fd, long length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (address.address() == MAP_FAILED) {
                throw failed("mmap(" + what + ", " + length + " bytes)", errno(state));
            }
            return address;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void munmap(long address, long length, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length);
            if (rc != 0) throw failed("munmap(" + what + ", " + length + " bytes)", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EVENTFD.invokeExact(state, 0, flags);
            if (fd < 0) throw failed("eventfd(" + what + ")", errno(state));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code write(fd, buf, buf.byteSize())}: signals an eventfd with the 8-byte counter in {@code buf}. */
    public static long write(int fd, MemorySegment buf) {
        try {
            return (long) WRITE.invokeExact(fd, buf, buf.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw {@code read(fd, buf, buf.byteSize())}: drains an eventfd into the 8 bytes of {@code buf}. */
    public static long read(int fd, MemorySegment buf) {
        try {
            return (long) READ.invokeExact(fd, buf, buf.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits until one of {@code fds} (an array of {@link #POLLFD}) is ready or {@code timeoutMillis} passes; an
     * interrupted wait counts as a timeout. Returns the number of ready entries.
     */
    public static int poll(MemorySegment fds, int count, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) POLL.invokeExact(state, fds, (long) count, timeoutMillis);
            if (rc < 0) {
                if (errno(state) == Errno.EINTR) return 0;
                throw failed("poll(" + count + " descriptors)", errno(state));
            }
            return rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            // EINTR still releases the descriptor on Linux; retrying could close a descriptor reused meanwhile.
            if (rc != 0 && errno(state) != Errno.EINTR) throw failed("close(" + fd + ")", errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** memif's errors carry no fix-it hint: the shared hints ({@link Errno#hint}) are about AF_XDP and namespaces. */
    private static NativeCallException failed(String call, int errno) {
        return new NativeCallException(call, errno, "");
    }

    private static RuntimeException rethrow(Throwable t) {
        return dev.booster.host.ffi.Libc.rethrow(t);
    }
}
