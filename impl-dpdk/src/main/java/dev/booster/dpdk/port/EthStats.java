package dev.booster.dpdk.port;

import dev.booster.dpdk.ffi.RteEthdev;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A DPDK port's own counters ({@code struct rte_eth_stats}): what the driver saw, beside the engine's counters of
 * what it forwarded. {@code missed} are frames the device dropped for want of descriptors, {@code rxNoMbuf} receive
 * failures for want of mbufs (a pool too small).
 */
public record EthStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long missed, long rxErrors, long txErrors,
                       long rxNoMbuf) {

    static EthStats of(MemorySegment stats) {
        return new EthStats(stats.get(JAVA_LONG, RteEthdev.STATS_IPACKETS), stats.get(JAVA_LONG, RteEthdev.STATS_OPACKETS),
                stats.get(JAVA_LONG, RteEthdev.STATS_IBYTES), stats.get(JAVA_LONG, RteEthdev.STATS_OBYTES),
                stats.get(JAVA_LONG, RteEthdev.STATS_IMISSED), stats.get(JAVA_LONG, RteEthdev.STATS_IERRORS),
                stats.get(JAVA_LONG, RteEthdev.STATS_OERRORS), stats.get(JAVA_LONG, RteEthdev.STATS_RX_NOMBUF));
    }
}
