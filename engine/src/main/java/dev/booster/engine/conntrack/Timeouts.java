package dev.booster.engine.conntrack;

import java.time.Duration;

/**
 * How long a flow may stay idle before {@link Conntrack} forgets it, in nanoseconds, per protocol and TCP state.
 *
 * @param tcpEstablishedNanos a TCP flow whose handshake completed
 * @param tcpTransitoryNanos  a TCP flow opening (SYN seen, no handshake yet) or closing (FIN or RST seen)
 * @param udpNanos            UDP
 * @param icmpNanos           ICMP and ICMPv6 (echo flows keyed by identifier)
 * @param otherNanos          any other IP protocol
 */
public record Timeouts(long tcpEstablishedNanos, long tcpTransitoryNanos, long udpNanos, long icmpNanos,
                       long otherNanos) {

    public Timeouts {
        requirePositive("tcpEstablishedNanos", tcpEstablishedNanos);
        requirePositive("tcpTransitoryNanos", tcpTransitoryNanos);
        requirePositive("udpNanos", udpNanos);
        requirePositive("icmpNanos", icmpNanos);
        requirePositive("otherNanos", otherNanos);
    }

    /**
     * Linux nf_conntrack's values (2 min for TCP SYN_SENT/FIN_WAIT/TIME_WAIT, 30 s for UDP and ICMP, 10 min generic),
     * except established TCP: 1 h instead of 5 days, so flows whose FIN or RST was lost do not hold entries for days;
     * a connection idle for an hour re-enters through policy on its next packet (as a mid-stream pickup).
     */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofHours(1).toNanos(), Duration.ofMinutes(2).toNanos(),
                Duration.ofSeconds(30).toNanos(), Duration.ofSeconds(30).toNanos(), Duration.ofMinutes(10).toNanos());
    }

    private static void requirePositive(String field, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("conntrack timeout " + field + " is " + nanos + "; use a duration > 0 ns");
        }
    }
}
