package dev.booster.memif;

import dev.booster.host.ffi.NativeCallException;
import dev.booster.memif.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A shared memory region: a memfd mapped read-write and shared. Its segment belongs to a shared arena whose closing
 * unmaps it, so a packet thread that still holds a view after the connection went away gets an
 * {@link IllegalStateException}, never a fault on unmapped memory.
 *
 * <p>A region the peer sends is sealed against shrinking ({@code F_SEAL_SHRINK}, added here if the peer did not) and
 * checked to be at least as large as announced before it is mapped: touching a mapped page beyond the end of its
 * file raises SIGBUS, which would take the whole JVM down.
 */
@SuppressWarnings("restricted") // giving the mapping its real size and an unmapping cleanup is what this class is for
final class Region implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Region.class.getName());
    /** Descriptor offsets are 32-bit, so nothing beyond 4 GiB of a region can be addressed. */
    static final long MAX_SIZE = 1L << 32;

    private final int index;
    private final int fd;
    private final long size;
    private final Arena arena;
    private final MemorySegment memory;

    private Region(int index, int fd, long size) {
        this.index = index;
        this.fd = fd;
        this.size = size;
        this.arena = Arena.ofShared();
        try {
            long address = Libc.mmapShared(fd, size, "memif region " + index).address();
            this.memory = MemorySegment.ofAddress(address).reinterpret(size, arena, segment -> unmap(address, size, index));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A new region of {@code size} bytes for this side to lay out (slave role), zero-filled. */
    static Region create(int index, long size) {
        int fd = Libc.memfdCreate("memif region " + index, Libc.MFD_CLOEXEC | Libc.MFD_ALLOW_SEALING);
        try {
            Libc.fcntl(fd, Libc.F_ADD_SEALS, Libc.F_SEAL_SHRINK, "memif region " + index + ", F_ADD_SEALS");
            Libc.ftruncate(fd, size, "memif region " + index);
            return new Region(index, fd, size);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Maps the region the peer sent as {@code fd}; this object owns the descriptor from now on (it is closed here when
     * the region is refused). A refusal is a {@link MemifProtocolException} with the reason for the peer.
     */
    static Region adopt(int index, int fd, long size) {
        try {
            if (size == 0) throw new MemifProtocolException("region " + index + " is empty");
            if (size > MAX_SIZE) throw new MemifProtocolException("region " + index + " is " + size + " bytes; 32-bit offsets address 4 GiB");
            sealAgainstShrinking(index, fd);
            long fileSize = Libc.fileSize(fd, "memif region " + index);
            if (fileSize < size) {
                throw new MemifProtocolException("region " + index + " file is " + fileSize + " bytes, less than the " + size + " announced");
            }
            return new Region(index, fd, size);
        } catch (NativeCallException e) {
            Libc.close(fd);
            throw new MemifProtocolException("region " + index + " cannot be mapped: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static void sealAgainstShrinking(int index, int fd) {
        try {
            Libc.fcntl(fd, Libc.F_ADD_SEALS, Libc.F_SEAL_SHRINK, "memif region " + index + ", F_ADD_SEALS");
        } catch (NativeCallException e) {
            // Already sealed (F_SEAL_SEAL) is fine as long as shrinking is among the seals; anything else is refused.
            int seals;
            try {
                seals = Libc.fcntl(fd, Libc.F_GET_SEALS, 0, "memif region " + index + ", F_GET_SEALS");
            } catch (NativeCallException notMemfd) {
                seals = 0;
            }
            if ((seals & Libc.F_SEAL_SHRINK) == 0) {
                throw new MemifProtocolException("region " + index + " cannot be sealed against shrinking; send a memfd made with MFD_ALLOW_SEALING");
            }
        }
    }

    private static void unmap(long address, long size, int index) {
        try {
            Libc.munmap(address, size, "memif region " + index);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "memif: could not unmap region " + index + ": " + e.getMessage());
        }
    }

    int index() {
        return index;
    }

    /** The memfd, to pass to the peer. */
    int fd() {
        return fd;
    }

    long size() {
        return size;
    }

    MemorySegment memory() {
        return memory;
    }

    /** Unmaps (after any thread still reading it has been stopped) and closes the memfd. */
    @Override
    public void close() {
        try {
            arena.close();
        } finally {
            Libc.close(fd);
        }
    }
}
