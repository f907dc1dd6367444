package dev.booster.ipsec;

/**
 * Where a key manager (IKEv2, or an operator's static SAs) puts the ESP SAs of one tunnel: the dataplane implements
 * it, one sink per tunnel (per remote node), and binds the SAs to that tunnel's encryptor and inbound table.
 *
 * <p>Calls come from a control thread (never a worker), one at a time and in order: normally the IKE daemon's
 * thread, and for the last removals the thread that stops the keying. They must not block for long: build the new
 * {@link EspEncryptor} or {@link EspInbound} table, publish it to the workers and return; close what a worker no
 * longer uses once the workers have moved on (the engine's sink waits for that, about one vector, on the calling
 * thread: never on a worker's).
 *
 * <p>Make-before-break (RFC 7296 §2.8): a rekey arrives as {@link #addInbound} of the new SA (from then on both the
 * old and the new inbound SA decrypt), then {@link #setOutbound} of the new SA (encrypt with it from then on), then
 * {@link #removeInbound} of the old SA. A first SA arrives as {@link #addInbound} then {@link #setOutbound}. So no
 * packet in flight finds its SA gone: the peer encrypts with the new SA only after this side can decrypt it, and the
 * old inbound SA stays until the peer stopped sending on it.
 *
 * <p>When the SAs go away for good (the IKE SA is deleted, the peer is dead, keying stops) the sink sees
 * {@link #removeInbound} without a following {@link #setOutbound}: the last outbound SA stays set, and what it still
 * encrypts the peer drops as an unknown SPI, until the tunnel is keyed again or removed.
 */
public interface EspSaSink {

    /** Decrypt with {@code sa} too; SAs already added stay. {@code sa.tunnel()} names the peer as source. */
    void addInbound(SecurityAssociation sa);

    /** Encrypt with {@code sa} from now on, instead of the SA set before (if any). */
    void setOutbound(SecurityAssociation sa);

    /** Stop decrypting with the inbound SA of {@code spi}; unknown SPIs are ignored. */
    void removeInbound(int spi);
}
