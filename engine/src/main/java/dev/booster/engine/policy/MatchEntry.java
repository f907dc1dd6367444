package dev.booster.engine.policy;

import dev.booster.api.policy.RuleAction;

/**
 * One row of a classifier: a rule (or, for an egress rule with named ports, one resolved part of it) as the
 * peers and ports it matches. All rows of one rule sit next to each other, so the first matching row names the rule.
 *
 * @param action Allow, Deny or Pass; Log rules decide nothing and get no rows
 */
record MatchEntry(int ruleId, RuleAction action, PeerSpans peers, PortMatch ports) {
}
