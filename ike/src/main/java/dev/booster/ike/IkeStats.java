package dev.booster.ike;

/**
 * What an {@link IkeDaemon} received and dropped.
 *
 * @param received       datagrams received
 * @param malformed      dropped: not a well-formed IKEv2 message
 * @param unmatched      dropped: for no IKE SA of ours, from a wrong address, or unexpected in the SA's state
 * @param undecryptable  dropped: the SK payload's integrity check failed (forged, corrupted, or stale keys)
 * @param internalErrors events whose handling threw (a bug, or a listener that throws); each is logged
 */
public record IkeStats(long received, long malformed, long unmatched, long undecryptable, long internalErrors) {
}
