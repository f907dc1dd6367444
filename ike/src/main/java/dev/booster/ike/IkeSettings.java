package dev.booster.ike;

import java.time.Duration;
import java.util.Objects;

/**
 * Daemon-wide protocol timing.
 *
 * @param retransmitTimeout the wait before the first retransmission of a request
 * @param retransmitBackoff each further wait is this many times the previous one
 * @param retransmitTries   retransmissions before the peer counts as unreachable and its SAs are deleted
 * @param halfOpenTimeout   how long a responder keeps an IKE SA whose IKE_AUTH never came, and how long the
 *                          responder of a rekey waits for the peer to delete the old SA before doing it itself
 */
public record IkeSettings(Duration retransmitTimeout, double retransmitBackoff, int retransmitTries, Duration halfOpenTimeout) {
    /** strongSwan-like: 4 s, x1.8, 5 retransmissions (about 2.5 min in all); 30 s half-open. */
    public static final IkeSettings DEFAULT = new IkeSettings(Duration.ofSeconds(4), 1.8, 5, Duration.ofSeconds(30));

    public IkeSettings {
        Objects.requireNonNull(retransmitTimeout, "retransmitTimeout");
        Objects.requireNonNull(halfOpenTimeout, "halfOpenTimeout");
        if (retransmitTimeout.toMillis() < 1) throw new IllegalArgumentException("retransmitTimeout must be at least 1 ms, is " + retransmitTimeout);
        if (!(retransmitBackoff >= 1 && retransmitBackoff <= 10)) throw new IllegalArgumentException("retransmitBackoff " + retransmitBackoff + " is outside 1..10");
        if (retransmitTries < 0 || retransmitTries > 20) throw new IllegalArgumentException("retransmitTries " + retransmitTries + " is outside 0..20");
        if (halfOpenTimeout.toMillis() < 1) throw new IllegalArgumentException("halfOpenTimeout must be positive, is " + halfOpenTimeout);
    }

    /** The wait after transmission number {@code attempt} (0 = the first send). */
    public Duration retransmitDelay(int attempt) {
        return Duration.ofNanos((long) (retransmitTimeout.toNanos() * Math.pow(retransmitBackoff, attempt)));
    }
}
