package dev.booster.dpdk.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The libc calls that capture DPDK's log: an anonymous in-memory file ({@code memfd_create}) opened as a stdio
 * stream for {@code rte_openlog_stream}. libc is always loaded into the JVM, so these handles are plain constants.
 * Failures return -1 or {@code NULL}; errno is captured where the caller needs it in a message.
 */
public final class Libc {
    public static final int MFD_CLOEXEC = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    // int memfd_create(const char *name, unsigned int flags);
    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    // FILE *fdopen(int fd, const char *mode);
    private static final MethodHandle FDOPEN = downcall("fdopen", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    // int fflush(FILE *stream);
    private static final MethodHandle FFLUSH = downcall("fflush", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // int fclose(FILE *stream);
    private static final MethodHandle FCLOSE = downcall("fclose", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name)), descriptor, options);
    }

    /** A new memfd's descriptor. @throws IllegalStateException with errno when the kernel refuses */
    public static int memfdCreate(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("memfd_create(" + name + ") failed: errno " + state.get(JAVA_INT, ERRNO_OFFSET));
            return fd;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** A stdio stream writing to {@code fd}. @throws IllegalStateException with errno on failure */
    public static MemorySegment fdopen(int fd, String mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment file = (MemorySegment) FDOPEN.invokeExact(state, fd, arena.allocateFrom(mode));
            if (file.equals(MemorySegment.NULL)) throw new IllegalStateException("fdopen(" + fd + ") failed: errno " + state.get(JAVA_INT, ERRNO_OFFSET));
            return file;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int fflush(MemorySegment file) {
        try {
            return (int) FFLUSH.invokeExact(file);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int fclose(MemorySegment file) {
        try {
            return (int) FCLOSE.invokeExact(file);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
