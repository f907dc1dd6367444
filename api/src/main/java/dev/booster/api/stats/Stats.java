package dev.booster.api.stats;

import java.util.List;

/** Counters, summed over workers when read. */
public interface Stats {

    List<InterfaceCounters> interfaces();

    /** Drop counters, one per reason that has dropped at least one packet. */
    List<DropCounter> drops();

    List<PolicyHitCounter> policyHits();

    /** The total of one drop reason (0 when none). */
    default long drops(String reason) {
        return drops().stream().filter(d -> d.reason().equals(reason)).mapToLong(DropCounter::packets).sum();
    }
}
