package dev.booster.memif;

/**
 * The peer broke the memif protocol or asked for something this side refuses. The message is the reason sent to
 * the peer in DISCONNECT (cut to the 95 bytes the message holds) and logged here.
 */
public final class MemifProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemifProtocolException(String reason) {
        super(reason);
    }

    public MemifProtocolException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
