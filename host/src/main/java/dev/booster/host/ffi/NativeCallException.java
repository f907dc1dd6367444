package dev.booster.host.ffi;

/**
 * A native call failed. The message names the call with its arguments, libc's text for the errno with its symbolic
 * name, and what usually fixes it, e.g. {@code xsk_socket__create(veth-x, queue 0): Operation not permitted (EPERM):
 * run as root or grant CAP_NET_ADMIN+CAP_BPF}.
 */
public final class NativeCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /** {@code call} is the C function with the arguments that identify what it was asked to do. */
    public NativeCallException(String call, int errno) {
        this(call, errno, Errno.hint(errno));
    }

    public NativeCallException(String call, int errno, String hint) {
        super(call + ": " + Errno.describe(errno) + (hint.isEmpty() ? "" : ": " + hint));
        this.call = call;
        this.errno = errno;
    }

    /** The failed call as given, e.g. {@code xsk_socket__create(veth-x, queue 0)}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
