package dev.booster.memif;

/**
 * Where one ring lives and how it is signalled, as ADD_RING announced it.
 *
 * @param name         "S2M ring 0" etc., for messages
 * @param region       the region holding the ring
 * @param offset       where the ring starts in that region
 * @param log2Size     log2 of its descriptor count
 * @param eventFd      the interrupt eventfd (this side's copy), or -1 when the peer sent none
 * @param bufferRegion for rings this side laid out (slave role): the region of its buffers, else -1
 * @param bufferBase   for rings this side laid out: the offset of its first buffer; slot {@code i}'s buffer follows
 *                     at {@code bufferBase + i * bufferSize}
 */
record RingSpec(String name, int region, long offset, int log2Size, int eventFd, int bufferRegion, long bufferBase) {
    boolean laidOutHere() {
        return bufferRegion >= 0;
    }
}
