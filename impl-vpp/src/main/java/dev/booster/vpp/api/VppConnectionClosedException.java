package dev.booster.vpp.api;

/** The API connection ended (VPP stopped or restarted, or the client was closed) before an answer came. */
public final class VppConnectionClosedException extends VppApiException {

    public VppConnectionClosedException(String message) {
        super(message);
    }

    public VppConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
