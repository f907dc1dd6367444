package dev.booster.api.stats;

/** Counters of one dataplane interface since it was created. */
public record InterfaceCounters(int index, String name, String podUid, long rxPackets, long rxBytes, long txPackets,
                                long txBytes, long drops) {
}
