package dev.booster.memif;

import java.util.Arrays;

/**
 * The frames {@link TwoProcessTest} and its {@link MemifPeerMain} exchange. Each names its kind, queue and sequence
 * number, and every other byte follows from those three, so the receiving process can check a frame it never saw:
 * a byte changed, a frame lost, duplicated, reordered or delivered on the wrong queue all show.
 */
final class PeerFrames {
    /** Test process to peer process. */
    static final int REQUEST = 1;
    /** Peer process to test process, one per request received intact. */
    static final int REPLY = 2;
    private static final int HEADER = 20;

    private PeerFrames() {
    }

    /** 64 to 1,463 bytes: Ethernet header (local experimental EtherType), kind, queue, sequence, then pseudo-random bytes. */
    static byte[] frame(int kind, int queue, int sequence) {
        byte[] frame = new byte[64 + Math.floorMod(sequence * 53 + queue * 17, 1400)];
        frame[0] = 0x02;
        frame[5] = (byte) kind;
        frame[6] = 0x02;
        frame[11] = (byte) (kind ^ 3);
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xB5;
        frame[14] = (byte) kind;
        frame[15] = (byte) queue;
        frame[16] = (byte) (sequence >>> 24);
        frame[17] = (byte) (sequence >>> 16);
        frame[18] = (byte) (sequence >>> 8);
        frame[19] = (byte) sequence;
        long x = (long) kind << 48 ^ (long) queue << 32 ^ sequence;
        for (int i = HEADER; i < frame.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            frame[i] = (byte) (x >>> 56);
        }
        return frame;
    }

    /** Whether {@code frame} is exactly frame({@code kind}, {@code queue}, {@code sequence}). */
    static boolean is(byte[] frame, int kind, int queue, int sequence) {
        return frame.length >= HEADER && Arrays.equals(frame, frame(kind, queue, sequence));
    }

    /** The sequence number a frame claims (for messages about one that failed {@link #is}). */
    static String describe(byte[] frame) {
        if (frame.length < HEADER) return frame.length + " bytes, too short to be ours";
        int sequence = (frame[16] & 0xFF) << 24 | (frame[17] & 0xFF) << 16 | (frame[18] & 0xFF) << 8 | frame[19] & 0xFF;
        return frame.length + " bytes, kind " + frame[14] + ", queue " + frame[15] + ", sequence " + sequence;
    }
}
