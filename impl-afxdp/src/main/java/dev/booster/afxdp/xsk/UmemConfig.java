package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.api.InvalidSpecException;

/**
 * The shape of a UMEM: {@code frameCount} frames of {@code frameSize} bytes (2048 or 4096: aligned chunk mode),
 * the sizes of the fill and completion rings each socket on it gets (powers of two), how many sockets may share it at
 * once ({@code maxSockets}), and how many frames the pool keeps aside for filling a new socket's fill ring before the
 * thread that drives the sockets serves it ({@code stashFrames}, see {@link XskSocket#prefill}). {@code frameHeadroom}
 * bytes at the start of every received frame are left free for the application (the kernel adds its own 256 bytes of
 * XDP headroom).
 */
public record UmemConfig(int frameCount, int frameSize, int fillRingSize, int completionRingSize, int frameHeadroom,
                         int maxSockets, int stashFrames) {
    public static final int DEFAULT_FRAME_COUNT = 4096;
    public static final int DEFAULT_FRAME_SIZE = 4096;
    public static final int DEFAULT_RING_SIZE = 2048;
    public static final int DEFAULT_MAX_SOCKETS = 1;
    /** Keeps one UMEM under 16 GiB; more is almost certainly a unit mistake. */
    public static final int MAX_FRAME_COUNT = 1 << 22;
    /** Socket holders are numbered in a {@code short} per frame (see {@link FramePool}). */
    public static final int MAX_SOCKETS = 4096;

    public UmemConfig {
        if (frameSize != 2048 && frameSize != 4096) {
            throw new InvalidSpecException("frameSize", frameSize + " is not supported; use 2048 or 4096 (aligned UMEM chunks)");
        }
        if (frameCount < 1 || frameCount > MAX_FRAME_COUNT) {
            throw new InvalidSpecException("frameCount", frameCount + " is out of range; use 1.." + MAX_FRAME_COUNT);
        }
        requirePowerOfTwo("fillRingSize", fillRingSize);
        requirePowerOfTwo("completionRingSize", completionRingSize);
        int maxHeadroom = frameSize - Libxdp.XDP_PACKET_HEADROOM - 1;
        if (frameHeadroom < 0 || frameHeadroom > maxHeadroom) {
            throw new InvalidSpecException("frameHeadroom", frameHeadroom + " is out of range for " + frameSize
                    + "-byte frames; use 0.." + maxHeadroom);
        }
    }

    /** 4096 frames of 4096 bytes (16 MiB), rings of 2048, no headroom, one socket, no stash. */
    public static UmemConfig defaults() {
        return new UmemConfig(DEFAULT_FRAME_COUNT, DEFAULT_FRAME_SIZE, DEFAULT_RING_SIZE, DEFAULT_RING_SIZE, 0, DEFAULT_MAX_SOCKETS, 0);
    }

    public UmemConfig withFrameCount(int count) {
        return new UmemConfig(count, frameSize, fillRingSize, completionRingSize, frameHeadroom, maxSockets, stashFrames);
    }

    public UmemConfig withFrameSize(int size) {
        return new UmemConfig(frameCount, size, fillRingSize, completionRingSize, frameHeadroom, maxSockets, stashFrames);
    }

    public UmemConfig withRingSizes(int fill, int completion) {
        return new UmemConfig(frameCount, frameSize, fill, completion, frameHeadroom, maxSockets, stashFrames);
    }

    public UmemConfig withFrameHeadroom(int headroom) {
        return new UmemConfig(frameCount, frameSize, fillRingSize, completionRingSize, headroom, maxSockets, stashFrames);
    }

    public UmemConfig withStashFrames(int frames) {
        return new UmemConfig(frameCount, frameSize, fillRingSize, completionRingSize, frameHeadroom, maxSockets, frames);
    }

    public UmemConfig withMaxSockets(int sockets) {
        return new UmemConfig(frameCount, frameSize, fillRingSize, completionRingSize, frameHeadroom, sockets, stashFrames);
    }

    /** The UMEM's size in bytes. */
    public long byteSize() {
        return (long) frameCount * frameSize;
    }

    static void requirePowerOfTwo(String field, int value) {
        if (value < 1 || Integer.bitCount(value) != 1) {
            throw new InvalidSpecException(field, value + " is not a power of two; the kernel needs ring sizes like 512, 1024, 2048");
        }
    }
}
