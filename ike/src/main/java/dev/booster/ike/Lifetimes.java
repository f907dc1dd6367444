package dev.booster.ike;

import java.time.Duration;
import java.util.Objects;

/**
 * When SAs are rekeyed and when they must be gone.
 *
 * @param ikeRekey   rekey the IKE SA after this long
 * @param childRekey rekey each Child SA after this long
 * @param overtime   an SA not replaced by rekey time + overtime is deleted (the hard lifetime)
 * @param jitter     rekey up to this fraction earlier, at random, so both peers rarely rekey at the same moment
 */
public record Lifetimes(Duration ikeRekey, Duration childRekey, Duration overtime, double jitter) {
    /** strongSwan's defaults: IKE 4 h, Child 1 h, 10 % jitter; deleted 10 min after a missed rekey. */
    public static final Lifetimes DEFAULT = new Lifetimes(Duration.ofHours(4), Duration.ofHours(1), Duration.ofMinutes(10), 0.1);

    public Lifetimes {
        Objects.requireNonNull(ikeRekey, "ikeRekey");
        Objects.requireNonNull(childRekey, "childRekey");
        Objects.requireNonNull(overtime, "overtime");
        if (ikeRekey.isNegative() || ikeRekey.isZero()) throw new IllegalArgumentException("lifetimes.ikeRekey must be positive, is " + ikeRekey);
        if (childRekey.isNegative() || childRekey.isZero()) throw new IllegalArgumentException("lifetimes.childRekey must be positive, is " + childRekey);
        if (overtime.isNegative()) throw new IllegalArgumentException("lifetimes.overtime must not be negative, is " + overtime);
        if (!(jitter >= 0 && jitter <= 0.5)) throw new IllegalArgumentException("lifetimes.jitter " + jitter + " is outside 0..0.5");
    }

    public Duration childHardLifetime() {
        return childRekey.plus(overtime);
    }
}
