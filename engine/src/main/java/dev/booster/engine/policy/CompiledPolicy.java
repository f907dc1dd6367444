package dev.booster.engine.policy;

import dev.booster.api.policy.PolicyType;

/**
 * A policy set compiled for this node's endpoints: immutable, built off the packet path, published with one volatile
 * write and read by workers once per vector. Classification is allocation-free and must not be a linear scan of rules.
 *
 * <p>{@code endpoint} is the local endpoint's {@link PolicyEndpoint#id()}; for {@link PolicyType#INGRESS} the peer is
 * the packet's source, for {@link PolicyType#EGRESS} its destination. {@code port} is the destination port for
 * TCP/UDP/SCTP and 0 for protocols without ports (which match only rules without ports).
 *
 * @return a {@link Verdict}
 */
public interface CompiledPolicy {

    int classify4(int endpoint, PolicyType direction, int peer, int protocol, int port);

    int classify6(int endpoint, PolicyType direction, long peerHigh, long peerLow, int protocol, int port);

    RuleDescriptor rule(int ruleId);

    int ruleCount();

    long generation();
}
