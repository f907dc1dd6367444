package dev.booster.ike;

import java.util.Objects;

/**
 * Why an IKE or Child SA could not be set up or went away.
 *
 * @param peer   the peer's configured name ("?" when an unknown address knocked)
 * @param reason the kind of failure
 * @param detail what happened and, where there is one, the fix
 */
public record IkeFailure(String peer, Reason reason, String detail) {
    public enum Reason {
        /** The pre-shared keys or identities differ (AUTHENTICATION_FAILED). */
        AUTHENTICATION_FAILED,
        /** No proposal both sides accept (NO_PROPOSAL_CHOSEN). */
        NO_PROPOSAL_CHOSEN,
        /** The traffic selectors do not overlap (TS_UNACCEPTABLE). */
        TS_UNACCEPTABLE,
        /** The peer did not answer after all retransmissions (or DPD found it dead). */
        PEER_UNREACHABLE,
        /** The peer answered with another error notify. */
        PEER_ERROR,
        /** The peer broke the protocol (bad key exchange value, unexpected payloads). */
        PROTOCOL_ERROR,
        /** The peer deleted the SA or it was closed locally. */
        CLOSED
    }

    public IkeFailure {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "peer " + peer + ": " + reason + ": " + detail;
    }
}
