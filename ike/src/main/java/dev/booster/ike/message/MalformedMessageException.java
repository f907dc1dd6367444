package dev.booster.ike.message;

/** A datagram that is not a well-formed IKEv2 message; the receive loop logs it and drops the datagram. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
