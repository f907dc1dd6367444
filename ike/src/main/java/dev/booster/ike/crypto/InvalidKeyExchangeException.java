package dev.booster.ike.crypto;

/** The peer's KE payload does not hold a valid public value of its group (wrong length, off the curve, small order). */
public final class InvalidKeyExchangeException extends RuntimeException {
    public InvalidKeyExchangeException(String message) {
        super(message);
    }

    public InvalidKeyExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
