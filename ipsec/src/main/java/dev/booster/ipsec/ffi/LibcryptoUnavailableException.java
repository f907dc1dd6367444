package dev.booster.ipsec.ffi;

/** libcrypto (or a symbol in it) is not on this host; the message names the Debian package that brings it. */
public final class LibcryptoUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LibcryptoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
