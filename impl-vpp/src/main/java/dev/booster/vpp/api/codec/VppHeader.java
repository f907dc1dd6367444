package dev.booster.vpp.api.codec;

/**
 * The leading fields every message has before its own: always the u16 message id, then, depending on the message,
 * the u32 {@code client_index} (requests and events) and the u32 {@code context} (requests and replies; a reply
 * echoes its request's). Events have no context: that is how the client tells them from replies.
 */
public enum VppHeader {
    ID_ONLY(false, false),
    CLIENT(true, false),
    CONTEXT(false, true),
    CLIENT_AND_CONTEXT(true, true);

    private final boolean hasClientIndex;
    private final boolean hasContext;

    VppHeader(boolean hasClientIndex, boolean hasContext) {
        this.hasClientIndex = hasClientIndex;
        this.hasContext = hasContext;
    }

    public boolean hasClientIndex() {
        return hasClientIndex;
    }

    public boolean hasContext() {
        return hasContext;
    }

    /** Bytes the header takes. */
    public int size() {
        return 2 + (hasClientIndex ? 4 : 0) + (hasContext ? 4 : 0);
    }

    /** Where the context sits, or -1. */
    public int contextOffset() {
        return hasContext ? (hasClientIndex ? 6 : 2) : -1;
    }
}
