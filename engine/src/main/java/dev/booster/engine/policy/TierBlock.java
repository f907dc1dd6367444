package dev.booster.engine.policy;

import java.util.List;

/** The rows one tier contributes to a classifier, in priority order, and the rule that denies when none decides. */
record TierBlock(int endOfTierRuleId, List<MatchEntry> entries) {
    TierBlock {
        entries = List.copyOf(entries);
    }
}
