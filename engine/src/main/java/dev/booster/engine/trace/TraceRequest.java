package dev.booster.engine.trace;

import java.util.concurrent.atomic.AtomicInteger;

/** "Trace the next {@code count} packets that match": armed by the control plane, consumed by workers. */
public final class TraceRequest {
    private final TraceFilter filter;
    private final AtomicInteger remaining;

    public TraceRequest(int count, TraceFilter filter) {
        if (count <= 0) throw new IllegalArgumentException("trace count must be positive, not " + count);
        this.filter = java.util.Objects.requireNonNull(filter, "filter");
        this.remaining = new AtomicInteger(count);
    }

    public boolean exhausted() {
        return remaining.get() <= 0;
    }

    /** True when the packet matches and a trace slot was taken for it (a CAS only for matching packets). */
    public boolean claim(long frame, int length, int iface) {
        if (!filter.matches(frame, length, iface)) return false;
        return remaining.getAndDecrement() > 0;
    }

    public int remaining() {
        return Math.max(0, remaining.get());
    }
}
