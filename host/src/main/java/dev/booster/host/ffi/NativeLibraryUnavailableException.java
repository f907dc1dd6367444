package dev.booster.host.ffi;

/** A shared library (or a symbol in it) is not on this host; the message names the Debian package that brings it. */
public final class NativeLibraryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
