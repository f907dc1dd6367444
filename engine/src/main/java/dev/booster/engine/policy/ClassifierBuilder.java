package dev.booster.engine.policy;

import dev.booster.api.policy.Protocol;

import java.util.ArrayList;
import java.util.List;

/** Compiles the tier blocks of one (endpoint, direction) into a {@link RuleClassifier}. */
final class ClassifierBuilder {

    private ClassifierBuilder() {
    }

    static RuleClassifier build(List<TierBlock> tiers) {
        List<MatchEntry> rows = new ArrayList<>();
        int[] tierFirstRow = new int[tiers.size()];
        int[] tierEndRow = new int[tiers.size()];
        int[] tierEndRule = new int[tiers.size()];
        for (int t = 0; t < tiers.size(); t++) {
            tierFirstRow[t] = rows.size();
            rows.addAll(tiers.get(t).entries());
            tierEndRow[t] = rows.size();
            tierEndRule[t] = tiers.get(t).endOfTierRuleId();
        }
        int[] rowRule = new int[rows.size()];
        byte[] rowAction = new byte[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            rowRule[r] = rows.get(r).ruleId();
            rowAction[r] = switch (rows.get(r).action()) {
                case ALLOW -> RuleClassifier.ALLOW;
                case DENY -> RuleClassifier.DENY;
                case PASS -> RuleClassifier.PASS;
                case LOG -> throw new IllegalArgumentException("Log rules decide nothing and must not become rows");
            };
        }

        BitsetPool pool = new BitsetPool(rows.size());
        RangeSweep.Table ip4 = RangeSweep.sweep(rows, e -> e.peers().ip4(), Point.MAX_32, pool);
        RangeSweep.Table ip6 = RangeSweep.sweep(rows, e -> e.peers().ip6(), Point.MAX_128, pool);
        RangeSweep.Table tcp = RangeSweep.sweep(rows, e -> e.ports().spans(Protocol.TCP), Point.MAX_32, pool);
        RangeSweep.Table udp = RangeSweep.sweep(rows, e -> e.ports().spans(Protocol.UDP), Point.MAX_32, pool);
        RangeSweep.Table sctp = RangeSweep.sweep(rows, e -> e.ports().spans(Protocol.SCTP), Point.MAX_32, pool);
        long[] anyProtocol = new long[pool.words()];
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).ports().anyProtocol()) anyProtocol[r >>> 6] |= 1L << r;
        }
        int otherProtocol = pool.intern(anyProtocol);

        return new RuleClassifier(pool.summaryWords(), pool.toArray(),
                signedStarts(ip4), ip4.bitsets(),
                flippedHigh(ip6), flippedLow(ip6), ip6.bitsets(),
                signedStarts(tcp), tcp.bitsets(), signedStarts(udp), udp.bitsets(), signedStarts(sctp), sctp.bitsets(),
                otherProtocol, tierFirstRow, tierEndRow, tierEndRule, rowRule, rowAction);
    }

    private static int[] signedStarts(RangeSweep.Table table) {
        return table.starts().stream().mapToInt(Point::signedLow32).toArray();
    }

    private static long[] flippedHigh(RangeSweep.Table table) {
        return table.starts().stream().mapToLong(p -> p.high() ^ Long.MIN_VALUE).toArray();
    }

    private static long[] flippedLow(RangeSweep.Table table) {
        return table.starts().stream().mapToLong(p -> p.low() ^ Long.MIN_VALUE).toArray();
    }
}
