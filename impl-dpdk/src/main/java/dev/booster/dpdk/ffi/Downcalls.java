package dev.booster.dpdk.ffi;

/** What every binding class does with a downcall's {@code Throwable}. */
final class Downcalls {
    private Downcalls() {
    }

    /** Downcalls throw nothing checked; an {@code invokeExact} only declares it. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("a downcall threw a checked exception", t);
    }
}
