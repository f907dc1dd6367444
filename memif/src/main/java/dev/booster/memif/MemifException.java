package dev.booster.memif;

/** A memif interface could not be set up or used: the message says what failed and, where it helps, how to fix it. */
public final class MemifException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemifException(String message) {
        super(message);
    }

    public MemifException(String message, Throwable cause) {
        super(message, cause);
    }
}
