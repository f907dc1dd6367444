package dev.booster.afxdp.xsk;

/**
 * The kernel's per-socket counters ({@code struct xdp_statistics}). {@code rxFillRingEmpty} growing means the
 * application does not refill fast enough; {@code rxRingFull} that it does not receive fast enough.
 */
public record XskStatistics(long rxDropped, long rxInvalidDescriptors, long txInvalidDescriptors, long rxRingFull,
                            long rxFillRingEmpty, long txRingEmpty) {
}
