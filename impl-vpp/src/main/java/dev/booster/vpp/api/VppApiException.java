package dev.booster.vpp.api;

/** A failure talking to VPP's binary API: the socket, a timeout, or an answer that makes no sense. */
public class VppApiException extends RuntimeException {

    public VppApiException(String message) {
        super(message);
    }

    public VppApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
