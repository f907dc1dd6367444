package dev.booster.engine.graph;

import dev.booster.engine.DropReason;

/**
 * One worker's counters, written only by its thread with plain stores and summed by the engine when read (a reader
 * on another thread may see a slightly old value, never a torn one on 64-bit JVMs).
 */
public final class WorkerCounters {
    public final long[] rxPackets;
    public final long[] rxBytes;
    public final long[] txPackets;
    public final long[] txBytes;
    /** Drops by the interface the packet came in on. */
    public final long[] drops;
    public final long[] dropsByReason = new long[DropReason.count()];
    /** Packets the engine made (ICMP errors); rx + generated = tx + drops once the graph is empty. */
    public long generated;

    /** The rule counters as other threads read them; swapped whole when they grow. */
    private volatile RuleHits ruleHits = new RuleHits(0);
    /** The same object, for the worker's own per-packet writes: a plain read it may hoist out of its loops. */
    private RuleHits workerHits = ruleHits;

    public WorkerCounters(int interfaces) {
        rxPackets = new long[interfaces];
        rxBytes = new long[interfaces];
        txPackets = new long[interfaces];
        txBytes = new long[interfaces];
        drops = new long[interfaces];
    }

    public void drop(int iface, DropReason reason) {
        dropsByReason[reason.ordinal()]++;
        if (iface >= 0) drops[iface]++;
    }

    public void ruleHit(int counterId, int bytes) {
        RuleHits hits = workerHits;
        hits.packets[counterId]++;
        hits.bytes[counterId] += bytes;
    }

    /** Grows the rule counters when a policy brought new rules: once per policy change, off the per-packet loop. */
    void ensureRuleCounters(int count) {
        RuleHits current = workerHits;
        if (current.packets.length >= count) return;
        RuleHits grown = new RuleHits(Math.max(count, current.packets.length * 2));
        System.arraycopy(current.packets, 0, grown.packets, 0, current.packets.length);
        System.arraycopy(current.bytes, 0, grown.bytes, 0, current.bytes.length);
        workerHits = grown;
        ruleHits = grown;
    }

    public long rulePackets(int counterId) {
        RuleHits hits = ruleHits;
        return counterId < hits.packets.length ? hits.packets[counterId] : 0;
    }

    public long ruleBytes(int counterId) {
        RuleHits hits = ruleHits;
        return counterId < hits.bytes.length ? hits.bytes[counterId] : 0;
    }

    /** Packet and byte counts per rule counter id, swapped whole when it grows so readers see a consistent pair. */
    private static final class RuleHits {
        final long[] packets;
        final long[] bytes;

        RuleHits(int size) {
            packets = new long[size];
            bytes = new long[size];
        }
    }
}
