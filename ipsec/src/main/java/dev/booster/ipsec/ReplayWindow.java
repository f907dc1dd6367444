package dev.booster.ipsec;

import java.util.Arrays;

/**
 * The receiver's anti-replay state of one inbound SA: the highest authenticated sequence number and a bitmap of the
 * {@code window} numbers at and below it (RFC 4303 §3.4.3), plus the inference of an extended sequence number's high
 * half from the low half a packet carries (RFC 4303 Appendix A2).
 *
 * <p>The bitmap is a ring of 64-bit words that never shifts (RFC 6479): sequence number {@code s} owns bit
 * {@code s % 64} of word {@code (s / 64) % words}. Moving the top forward clears only the words it enters. One word
 * more than the window needs keeps the word being filled apart from the oldest one still in the window.
 *
 * <p>Sequence number 0 is never sent (the first is 1), so 0 doubles as "no valid number".
 */
final class ReplayWindow {
    private final int window;
    private final boolean esn;
    private final long[] bitmap;
    private final int wordMask;
    private long highest;

    ReplayWindow(int window, boolean esn) {
        this.window = window;
        this.esn = esn;
        int needed = ((window + 63) >>> 6) + 1;
        int words = Integer.highestOneBit(needed - 1) << 1; // the power of two >= needed (needed >= 2)
        bitmap = new long[words];
        wordMask = words - 1;
    }

    /**
     * The full sequence number of a packet carrying {@code low}; 0 when none fits (a number before the first, or
     * past 2^64 - 1), which {@link #isFresh} rejects. Without ESN it is {@code low} itself.
     */
    long sequenceOf(int low) {
        long lowBits = low & 0xffff_ffffL;
        if (!esn) return lowBits;
        int topLow = (int) highest;
        int topHigh = (int) (highest >>> 32);
        int bottomLow = topLow - window + 1; // mod 2^32: the lowest number the window covers, low half
        int high;
        if (Integer.compareUnsigned(topLow, window - 1) >= 0) {
            // Case A: the window lies within one 2^32 subspace. Below it means the next subspace.
            if (Integer.compareUnsigned(low, bottomLow) >= 0) {
                high = topHigh;
            } else {
                if (topHigh == -1) return 0;
                high = topHigh + 1;
            }
        } else {
            // Case B: the window straddles two subspaces; at or above its bottom means the previous one.
            if (Integer.compareUnsigned(low, bottomLow) >= 0) {
                if (topHigh == 0) return 0;
                high = topHigh - 1;
            } else {
                high = topHigh;
            }
        }
        return (long) high << 32 | lowBits;
    }

    /** Whether {@code sequence} is neither too old nor seen: checked before the ICV, so replays cost no crypto. */
    boolean isFresh(long sequence) {
        if (sequence == 0) return false;
        if (Long.compareUnsigned(sequence, highest) > 0) return true;
        if (Long.compareUnsigned(highest - sequence, window) >= 0) return false;
        return (bitmap[(int) (sequence >>> 6) & wordMask] & (1L << sequence)) == 0;
    }

    /** Records an authenticated packet (after its ICV verified, RFC 4303 §3.4.3); {@link #isFresh} must have said yes. */
    void accept(long sequence) {
        if (Long.compareUnsigned(sequence, highest) > 0) {
            long fromWord = highest >>> 6;
            long toWord = sequence >>> 6;
            long entered = Math.min(toWord - fromWord, bitmap.length);
            for (long w = 1; w <= entered; w++) {
                bitmap[(int) (fromWord + w) & wordMask] = 0;
            }
            highest = sequence;
        }
        bitmap[(int) (sequence >>> 6) & wordMask] |= 1L << sequence;
    }

    /** The highest authenticated sequence number so far (0 before the first packet). */
    long highest() {
        return highest;
    }

    int window() {
        return window;
    }

    /** Starts as if {@code sequence} had been the last packet, without marking it seen (for tests and SA handover). */
    void startAfter(long sequence) {
        highest = sequence;
        Arrays.fill(bitmap, 0);
    }
}
