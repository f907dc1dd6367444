package dev.booster.engine.policy;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compiles a {@link PolicySet} for this node's endpoints into a {@link CompiledPolicy} whose per-packet cost barely
 * depends on the number of rules. The meaning is {@link ReferenceEvaluator}'s; property tests hold the two equal.
 *
 * <h2>How</h2>
 * For each local endpoint and direction, the applicable policies' rules form a list in priority order (tier, policy,
 * rule). Endpoints with the same list (same applicable policies and, where ingress rules name ports, the same named
 * ports) share one classifier, so memory follows the number of distinct policy combinations, not of pods. A
 * classifier is a bitmap intersection ({@link RuleClassifier}): rows are the list's Allow, Deny and Pass rules (Log
 * rules decide nothing and get no row, so they are not counted); the peer address (IPv4 and IPv6 separately) and the
 * port (per protocol) each go through a binary search over sorted disjoint intervals to a bitset of the rows matching
 * there, and the lowest row set in both bitsets decides, tier by tier: Pass continues at the next tier's first row,
 * a tier without a matching row denies. Selectors are resolved to the endpoints' addresses (local and remote) at
 * compile time, so a pod coming or going means a recompile.
 *
 * <h2>Trade-offs (measured on the build machine: JDK 25, 2 shared cores)</h2>
 * A classifier of {@code R} rows keeps one bitset of {@code ⌈R/64⌉} words (plus a summary word per 64 words) for
 * every distinct set of rows that an interval of a key space matches. The per-packet work is two binary searches
 * ({@code log2} of the interval count) plus an AND that visits only words non-zero in both bitsets, stopping at the
 * first common row. Measured for one endpoint selected by a policy whose {@code R} rules each allow a distinct /32
 * on a distinct TCP port (the worst case for memory: every rule adds distinct intervals in both dimensions), random
 * hits and misses:
 * <pre>
 *     rules   classify4 ns/packet   classifier heap   compile
 *        10        ~20                   ~2 KB            &lt;1 ms
 *       100        ~25                  ~13 KB            ~2 ms
 *     1 000        ~30                 ~310 KB           ~15 ms
 *    10 000        ~40                  ~27 MB          ~250 ms
 * </pre>
 * Memory grows as {@code R × distinct bitsets}, i.e. up to quadratically when every rule has its own peers and
 * ports; it is linear when rules share peers (namespaces, common selectors, CIDRs) or ports, which is the common
 * case. Rules not selecting an endpoint cost that endpoint nothing. Where quadratic growth bites, the alternative is
 * a sparse bitset per interval (slower AND); see the numbers before choosing it.
 *
 * <p>Errors are {@link InvalidSpecException}s that name the field; the caller keeps the previous policy in force
 * (fail closed).
 */
public final class PolicyCompiler {

    /** What makes two (endpoint, direction) rule lists identical, so they can share a classifier. */
    private record ClassifierKey(PolicyType direction, List<Integer> policyPositions, Set<NamedPort> ownNamedPorts) {
    }

    private PolicyCompiler() {
    }

    /**
     * @param endpoints  every endpoint the policies may select: local ones with dense ids {@code 0..n-1}, remote ones
     *                   with {@link PolicyEndpoint#REMOTE}
     * @param generation reported by {@link CompiledPolicy#generation()}
     * @throws InvalidSpecException when an endpoint is invalid (field {@code endpoints[i]...}) or the rules for an
     *                              endpoint cannot be compiled (field {@code policies}, naming the policies)
     */
    public static CompiledPolicy compile(PolicySet set, List<PolicyEndpoint> endpoints, long generation) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(endpoints, "endpoints");
        EndpointIndex index = EndpointIndex.of(endpoints);
        RuleTable table = RuleTable.of(set);
        RowExpander expander = new RowExpander(new PeerResolver(set, index.all()), index.all());
        Map<ClassifierKey, RuleClassifier> shared = new HashMap<>();
        RuleClassifier[] ingress = new RuleClassifier[index.localCount()];
        RuleClassifier[] egress = new RuleClassifier[index.localCount()];
        for (int id = 0; id < index.localCount(); id++) {
            PolicyEndpoint self = index.local(id);
            ingress[id] = classifierFor(set, table, expander, shared, self, PolicyType.INGRESS);
            egress[id] = classifierFor(set, table, expander, shared, self, PolicyType.EGRESS);
        }
        return new BitmapPolicy(generation, table.descriptors(), ingress, egress);
    }

    private static RuleClassifier classifierFor(PolicySet set, RuleTable table, RowExpander expander,
                                                Map<ClassifierKey, RuleClassifier> shared, PolicyEndpoint self,
                                                PolicyType direction) {
        List<RuleTable.OrderedPolicy> applicable = new ArrayList<>();
        boolean namedPortsMatter = false;
        for (RuleTable.OrderedPolicy p : table.policies()) {
            if (!applies(set, p.policy(), self, direction)) continue;
            applicable.add(p);
            namedPortsMatter |= direction == PolicyType.INGRESS && RowExpander.usesNamedPorts(p.rules(direction));
        }
        if (applicable.isEmpty()) return null;
        ClassifierKey key = new ClassifierKey(direction, applicable.stream().map(RuleTable.OrderedPolicy::position).toList(),
                namedPortsMatter ? Set.copyOf(self.namedPorts()) : Set.of());
        RuleClassifier known = shared.get(key);
        if (known != null) return known;
        RuleClassifier built = build(table, expander, applicable, self, direction);
        shared.put(key, built);
        return built;
    }

    private static RuleClassifier build(RuleTable table, RowExpander expander, List<RuleTable.OrderedPolicy> applicable,
                                        PolicyEndpoint self, PolicyType direction) {
        List<TierBlock> tiers = new ArrayList<>();
        int i = 0;
        while (i < applicable.size()) {
            int tier = applicable.get(i).tier();
            List<MatchEntry> rows = new ArrayList<>();
            for (; i < applicable.size() && applicable.get(i).tier() == tier; i++) {
                RuleTable.OrderedPolicy p = applicable.get(i);
                for (int r = 0; r < p.rules(direction).size(); r++) rows.addAll(expander.rows(p, direction, r, self));
            }
            tiers.add(new TierBlock(table.endOfTierRule(tier, direction), rows));
        }
        try {
            return ClassifierBuilder.build(tiers);
        } catch (IllegalStateException tooLarge) {
            throw new InvalidSpecException("policies", "the " + direction.name().toLowerCase() + " rules of "
                    + applicable.stream().map(p -> p.policy().key()).toList() + " selecting endpoint " + self.uid()
                    + " are too many to compile (" + tooLarge.getMessage() + "); split them over fewer pods or merge peers into CIDRs");
        }
    }

    /** Whether {@code policy} isolates {@code endpoint} in {@code direction} (see {@link ReferenceEvaluator}). */
    static boolean applies(PolicySet set, NetworkPolicy policy, PolicyEndpoint endpoint, PolicyType direction) {
        // Cheapest test first: this runs for every endpoint, policy and direction, and most policies are another
        // namespace's; effectivePolicyTypes() builds a set, so it comes last.
        if (!policy.isGlobal() && !policy.metadata().namespace().equals(endpoint.namespace())) return false;
        if (!policy.spec().podSelector().matches(endpoint.labels())) return false;
        if (policy.isGlobal() && policy.spec().namespaceSelector().isPresent()
                && !policy.spec().namespaceSelector().get().matches(set.labelsOf(endpoint.namespace()))) {
            return false;
        }
        return policy.spec().effectivePolicyTypes().contains(direction);
    }
}
