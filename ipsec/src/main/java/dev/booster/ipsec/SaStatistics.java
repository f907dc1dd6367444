package dev.booster.ipsec;

import java.util.Map;

/**
 * What one SA has done so far.
 *
 * @param packets packets encrypted (outbound) or decrypted and passed on (inbound)
 * @param bytes   bytes of those inner IP packets (the bytes an SA's byte lifetime counts, RFC 4301 §4.4.2.1)
 * @param drops   refused packets by reason; reasons that never happened are absent
 */
public record SaStatistics(long packets, long bytes, Map<EspDrop, Long> drops) {
    public SaStatistics {
        drops = Map.copyOf(drops);
    }

    /** Packets dropped for {@code reason}, 0 if none. */
    public long drops(EspDrop reason) {
        return drops.getOrDefault(reason, 0L);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
