package dev.booster.engine.trace;

/** How the control plane steers workers' tracing: the armed request, and a clear counter workers follow. */
public final class TraceControl {
    private volatile TraceRequest request;
    private volatile int clears;

    public TraceRequest request() {
        return request;
    }

    public void arm(TraceRequest next) {
        request = next;
    }

    public void disarm() {
        request = null;
    }

    public int clears() {
        return clears;
    }

    /** Asks every worker to forget its records at its next vector. */
    public synchronized void clear() {
        clears++;
    }
}
