package dev.booster.engine.graph;

/** A token bucket measured in nanoseconds of credit, for rate limits on the packet path (ICMP errors). */
public final class TokenBucket {
    private final long nanosPerToken;
    private final long maxCredit;
    private long credit;
    private long last;
    private boolean started;

    public TokenBucket(int perSecond, int burst) {
        if (perSecond < 0 || burst < 0) throw new IllegalArgumentException("rate and burst must be >= 0, not " + perSecond + "/" + burst);
        this.nanosPerToken = perSecond == 0 ? Long.MAX_VALUE : 1_000_000_000L / perSecond;
        this.maxCredit = perSecond == 0 ? 0 : nanosPerToken * burst;
        this.credit = maxCredit;
    }

    public boolean tryTake(long now) {
        if (started) {
            long elapsed = now - last;
            if (elapsed > 0) credit = elapsed >= maxCredit ? maxCredit : Math.min(maxCredit, credit + elapsed);
        }
        started = true;
        last = now;
        if (credit < nanosPerToken) return false;
        credit -= nanosPerToken;
        return true;
    }
}
