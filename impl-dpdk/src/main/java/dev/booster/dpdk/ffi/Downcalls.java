package dev.booster.dpdk.ffi;

/** What every binding class does with a downcall's {@code Throwable}. */
final class Downcalls {
    private Downcalls() {
    }

    /** Downcalls throw nothing checked; an {@code invokeExact} only declares it. */
    static RuntimeException rethrow(Throwable t) {
        return dev.booster.host.ffi.Libc.rethrow(t);
    }
}
