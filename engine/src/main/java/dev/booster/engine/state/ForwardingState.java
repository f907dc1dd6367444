package dev.booster.engine.state;

import dev.booster.engine.fib.Ip4Fib;
import dev.booster.engine.fib.Ip6Fib;
import dev.booster.engine.policy.CompiledPolicy;

/**
 * Everything the packet path reads, as one snapshot: the control plane builds a new one for every change and
 * publishes it with one volatile write; a worker reads it once per vector. Nothing reachable from it is changed
 * after publication except the FIBs: every state shares the same two, changed in place (one atomic slot at a time,
 * safe for lock-free readers) only once no worker reads a state older than the one holding the adjacencies the
 * changed routes point to; an adjacency index keeps its meaning while any state a worker may read could meet it.
 *
 * @param policyTag      the policy generation as conntrack stores it on flows
 * @param ruleCounterIds for each rule id of {@code policy}, the index of its hit counter; counters are keyed by
 *                       what the rule is, so they survive a policy being recompiled
 * @param ruleCounters   how many hit counters exist (the largest counter id + 1)
 * @param tunnels        the node-to-node tunnels tunnel adjacencies name, and their ESP state
 */
public record ForwardingState(long version, InterfaceTable interfaces, Adjacencies adjacencies, Ip4Fib fib4,
                              Ip6Fib fib6, CompiledPolicy policy, int policyTag, int[] ruleCounterIds, int ruleCounters,
                              LocalAddresses addresses, TunnelTable tunnels) {

    /** Conntrack tag of a flow whose forward direction the current policy denied: its replies are denied too. */
    public static final int DENIED_TAG = -1;

    /** The tag stored on flows decided under {@code generation}: never {@link #DENIED_TAG}. */
    public static int tagOf(long generation) {
        return (int) (generation & 0x7fff_ffff);
    }
}
