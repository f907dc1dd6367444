package dev.booster.vpp.api.codec;

/** Bytes from VPP that do not decode as the message or type they claim to be (too short, a count past the end...). */
public final class VppDecodeException extends RuntimeException {

    public VppDecodeException(String message) {
        super(message);
    }

    public VppDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
