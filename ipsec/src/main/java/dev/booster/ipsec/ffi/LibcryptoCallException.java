package dev.booster.ipsec.ffi;

/** A libcrypto setup call failed; the message carries OpenSSL's own error text. Never thrown per packet. */
public final class LibcryptoCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LibcryptoCallException(String message) {
        super(message);
    }
}
