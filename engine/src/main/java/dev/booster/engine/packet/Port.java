package dev.booster.engine.packet;

/**
 * Where packets enter and leave the engine: one interface of a backend (an AF_XDP socket, a DPDK port queue, a memif
 * ring, the memory backend's queues). Called by the one worker that owns the port, never concurrently.
 */
public interface Port {

    /**
     * Appends up to {@code max} received packets to {@code into} with {@link PacketVector#append}; the engine owns
     * them from then on. Never blocks.
     *
     * @return how many packets were appended
     */
    int rx(PacketVector into, int max);

    /**
     * Transmits {@code count} packets whose slots in {@code from} are {@code slots[0..count)}. The port takes the
     * first {@code n} (the return value): it transmits each and frees its buffer to its
     * {@linkplain PacketVector#owner owner} when done, copying first if it cannot send another backend's memory.
     * The rest (a full ring) stay with the engine, which drops them. A removed port should take everything and free it.
     */
    int tx(PacketVector from, int[] slots, int count);
}
