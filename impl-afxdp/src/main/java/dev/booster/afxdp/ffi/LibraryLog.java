package dev.booster.afxdp.ffi;

import dev.booster.host.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * libbpf's and libxdp's messages, sent to a {@link System.Logger} ({@value #LIBBPF_LOGGER},
 * {@value #LIBXDP_LOGGER}) instead of stderr: their warnings at WARNING, their notes at DEBUG (such as libbpf's "elf:
 * skipping unrecognized data section(8) .xdp_run_config", printed for every libxdp program object it opens, and
 * harmless), their debug output at TRACE. {@link Libbpf#load()} and {@link Libxdp#load()} install it with
 * {@code libbpf_set_print} and {@code libxdp_set_print}; a message below the logger's level is not even formatted.
 */
public final class LibraryLog {
    public static final String LIBBPF_LOGGER = "dev.booster.afxdp.libbpf";
    public static final String LIBXDP_LOGGER = "dev.booster.afxdp.libxdp";
    // enum libbpf_print_level and enum libxdp_print_level: the same three values
    static final int WARN = 0;
    static final int INFO = 1;
    static final int DEBUG = 2;
    /** The libraries' longest messages (a path and an error) fit easily; a verifier log comes back through its own buffer. */
    private static final int MESSAGE_BYTES = 1024;
    /** Both libraries print through {@code int print(enum level, const char *format, va_list args)}. */
    private static final FunctionDescriptor PRINT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

    private LibraryLog() {
    }

    /** The logger level of a library print level. */
    static System.Logger.Level levelOf(int libraryLevel) {
        return switch (libraryLevel) {
            case WARN -> System.Logger.Level.WARNING;
            case INFO -> System.Logger.Level.DEBUG;
            default -> System.Logger.Level.TRACE;
        };
    }

    /**
     * The callback: formats the message and logs it. {@code va_list} reaches a function as a pointer on x86-64 and on
     * AArch64, and goes on to {@code vsnprintf} as one.
     */
    static int print(System.Logger logger, int level, MemorySegment format, MemorySegment args) {
        try {
            System.Logger.Level to = levelOf(level);
            if (!logger.isLoggable(to)) return 0;
            String message = Libc.vformat(format, args, MESSAGE_BYTES);
            logger.log(to, message.strip());
            return message.length();
        } catch (Throwable t) {
            return 0; // an exception may not leave an upcall (the JVM would end); a lost log line is the lesser harm
        }
    }

    /** A function pointer, living as long as the JVM, that logs to {@code loggerName}. */
    static MemorySegment callback(String loggerName) {
        try {
            MethodHandle print = MethodHandles.lookup().findStatic(LibraryLog.class, "print",
                    MethodType.methodType(int.class, System.Logger.class, int.class, MemorySegment.class, MemorySegment.class));
            MethodHandle bound = MethodHandles.insertArguments(print, 0, System.getLogger(loggerName));
            return Linker.nativeLinker().upcallStub(bound, PRINT, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LibraryLog.print is missing", e);
        }
    }
}
