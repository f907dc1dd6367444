package dev.booster.ipsec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;

/**
 * Per-SA counters, written only by the worker that owns the SA and read by anyone. Opaque writes and reads (plain
 * moves on x86 and AArch64) make each value whole and eventually visible without fences on the packet path.
 */
final class SaCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PACKETS = 0;
    private static final int BYTES = 1;
    private static final int DROPS = 2;

    private final long[] values = new long[DROPS + EspDrop.count()];

    void countPacket(int bytes) {
        LONGS.setOpaque(values, PACKETS, (long) LONGS.getOpaque(values, PACKETS) + 1);
        LONGS.setOpaque(values, BYTES, (long) LONGS.getOpaque(values, BYTES) + bytes);
    }

    /** Counts the drop and hands its code back, so a caller can {@code return counters.drop(...)}. */
    int drop(EspDrop reason) {
        int at = DROPS + reason.ordinal();
        LONGS.setOpaque(values, at, (long) LONGS.getOpaque(values, at) + 1);
        return reason.code();
    }

    SaStatistics snapshot() {
        EnumMap<EspDrop, Long> drops = new EnumMap<>(EspDrop.class);
        for (int i = 0; i < EspDrop.count(); i++) {
            long n = (long) LONGS.getOpaque(values, DROPS + i);
            if (n != 0) drops.put(EspDrop.byOrdinal(i), n);
        }
        return new SaStatistics((long) LONGS.getOpaque(values, PACKETS), (long) LONGS.getOpaque(values, BYTES), drops);
    }
}
