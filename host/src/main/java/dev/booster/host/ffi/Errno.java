package dev.booster.host.ffi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * Linux errno values the host plumbing and the backends meet, with their symbolic names (strerror gives only the
 * text, and the name is what people search for).
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    /** Kernel-internal "not supported" that BPF and XDP calls can leak to user space; libc has no text for it. */
    public static final int ENOTSUPP = 524;

    /** Error codes a C library defines beyond libc's (libbpf's LIBBPF_ERRNO__*), with the text only that library knows. */
    private record LibraryCodes(int start, int end, IntFunction<String> describer) {
    }

    private static final List<LibraryCodes> LIBRARY_CODES = new CopyOnWriteArrayList<>();

    private Errno() {
    }

    /** The symbolic name ("EPERM"), or "errno N" for values this table does not know. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case EPIPE -> "EPIPE";
            case ERANGE -> "ERANGE";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + errno;
        };
    }

    /** "Operation not permitted (EPERM)": libc's text followed by the symbolic name. */
    public static String describe(int errno) {
        for (LibraryCodes codes : LIBRARY_CODES) {
            if (errno >= codes.start() && errno < codes.end()) return codes.describer().apply(errno);
        }
        String text = errno == ENOTSUPP ? "Operation not supported by the driver" : Libc.strerror(errno);
        return text + " (" + name(errno) + ")";
    }

    /**
     * Lets {@link #describe} (and so {@link NativeCallException}) describe the codes in {@code [start, end)} with
     * {@code describer}: the binding of a C library with codes of its own (libbpf) registers them when it loads, as only
     * its calls can return them.
     */
    public static void describeLibraryCodes(int start, int end, IntFunction<String> describer) {
        LIBRARY_CODES.add(new LibraryCodes(start, end, describer));
    }

    /** What usually fixes {@code errno} when an AF_XDP, BPF or namespace call returns it; empty when nothing general helps. */
    public static String hint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> "run as root or grant CAP_NET_ADMIN+CAP_BPF (and CAP_IPC_LOCK for large UMEMs)";
            case ENODEV, ENXIO -> "no such interface in this network namespace";
            case EBUSY -> "another XDP socket or XDP program already holds this interface queue";
            case EOPNOTSUPP, ENOTSUPP, EPROTONOSUPPORT -> "the driver does not support this mode; use copy mode";
            case ENOMEM, ENOBUFS -> "raise RLIMIT_MEMLOCK (ulimit -l) or use a smaller UMEM";
            case EAFNOSUPPORT -> "the kernel lacks AF_XDP (CONFIG_XDP_SOCKETS)";
            case EMFILE, ENFILE -> "too many open files; close sockets that are no longer used";
            default -> "";
        };
    }
}
