package dev.booster.memif.ffi;

/**
 * A libc call failed. The message names the call with the arguments that identify it, libc's text for the errno and
 * its symbolic name, e.g. {@code connect(/run/memif.sock): Connection refused (ECONNREFUSED)}.
 */
public final class NativeCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public NativeCallException(String call, int errno) {
        super(call + ": " + Libc.strerror(errno) + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The failed call as given, e.g. {@code connect(/run/memif.sock)}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
