package dev.booster.engine.packet;

/**
 * A backend's packet buffers: fixed-size, off-heap, named by an int handle the backend can recycle (a UMEM frame
 * number, an mbuf index, a slot of the memory backend's arena). Every packet in a {@link PacketVector} remembers its
 * owner, so a dropped packet goes back where it came from.
 *
 * <p>Called only by the worker thread that received the packet or wants a new one; implementations used by several
 * workers must make {@link #alloc()} and {@link #free(int)} safe for that (per-worker caches, as mempools have).
 */
public interface PacketBuffers {
    int NO_BUFFER = -1;

    /** A free buffer's handle, or {@link #NO_BUFFER} when none is left (never blocks). */
    int alloc();

    /** Returns a buffer; the handle must not be used again until {@link #alloc()} hands it out anew. */
    void free(int handle);

    /** Absolute address of the first byte of the buffer (headroom included). */
    long address(int handle);

    /** Bytes per buffer, headroom included. */
    int bufferSize();

    /** Bytes left free before the data of a freshly allocated packet (for headers pushed later, e.g. tunnels). */
    int headroom();
}
