package dev.booster.ike.crypto;

/** An SK payload whose ICV does not verify or whose decrypted padding is impossible: tampered, or not for these keys. */
public final class IntegrityCheckFailedException extends RuntimeException {
    public IntegrityCheckFailedException(String message) {
        super(message);
    }
}
