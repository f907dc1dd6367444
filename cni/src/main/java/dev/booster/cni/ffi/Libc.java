package dev.booster.cni.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls the CNI plugin needs to tell a network namespace file from any other file: {@code open},
 * {@code ioctl(NS_GET_NSTYPE)} and {@code close}. libc is always in the JVM, so the handles are constants.
 */
@SuppressWarnings("restricted") // the bindings themselves
public final class Libc {
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    /** {@code _IO(0xb7, 0x3)} of {@code <linux/nsfs.h>}: the namespace type of an nsfs file descriptor. */
    public static final long NS_GET_NSTYPE = 0xb703;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int ENOENT = 2;
    public static final int ENOTTY = 25;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle CALL_STATE_ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // int open(const char *pathname, int flags);
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    // int ioctl(int fd, unsigned long request, ...);  called with no third argument
    private static final MethodHandle IOCTL = downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    // int close(int fd);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // char *strerror(int errnum);
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    /** A call's result, and errno when it failed. */
    public record Result(int value, int errno) {
        public boolean failed() {
            return value < 0;
        }
    }

    public static Result open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            return new Result(fd, fd < 0 ? (int) CALL_STATE_ERRNO.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("open(" + path + ") could not be called", t);
        }
    }

    public static Result ioctl(int fd, long request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) IOCTL.invokeExact(state, fd, request);
            return new Result(r, r < 0 ? (int) CALL_STATE_ERRNO.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("ioctl(" + fd + ", " + request + ") could not be called", t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(" + fd + ") could not be called", t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
