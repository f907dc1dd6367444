package dev.booster.vpp.api;

/** VPP did not answer within the client's request timeout. */
public final class VppTimeoutException extends VppApiException {

    public VppTimeoutException(String message) {
        super(message);
    }
}
