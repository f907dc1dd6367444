package dev.booster.vpp.provider;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.PolicyRule;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Tier;
import dev.booster.vpp.binapi.AclAction;
import dev.booster.vpp.binapi.AclRule;
import dev.booster.vpp.binapi.IpProto;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Booster's policy semantics (those of the engine's {@code ReferenceEvaluator}: tiers, order, Allow/Deny/Pass/Log,
 * Kubernetes peers and ports) as VPP acl-plugin rule lists, one input and one output list per isolated pod.
 *
 * <p>A VPP ACL is a first-match list of (source prefix, destination prefix, protocol, port ranges) rules, which is
 * all a Booster rule needs once its peers and ports are flattened: selectors become the /32 and /128 of the pods
 * they select, an {@code ipBlock} with exceptions becomes the prefixes covering cidr minus the exceptions, and a
 * rule becomes the cross product of its peer prefixes and ports. Tiers flatten too: the end of a tier with
 * applicable policies is an explicit deny-all; a {@code Pass} rule becomes its matches intersected with every entry
 * of what the later tiers compile to (intersecting two such matches is again one). {@code Log} decides nothing and
 * VPP's acl plugin cannot log, so Log rules compile to nothing. Allow is {@code permit+reflect}, so replies of allowed
 * connections pass (stateful, as the engine); for the same reason a pod isolated in one direction gets a
 * permit+reflect-all list in the other.
 *
 * <p>Selectors see the pods attached to this dataplane only: the VPP backend knows no remote endpoints yet.
 */
public final class AclCompiler {

    static final int ANY_PROTOCOL = 0;
    static final int MAX_PORT = 65535;
    private static final IpPrefix ANY4 = IpPrefix.parse("0.0.0.0/0");
    private static final IpPrefix ANY6 = IpPrefix.parse("::/0");

    /** What one ACL rule matches of the peer side: its address prefix, the protocol (0: any) and destination ports. */
    record Match(IpPrefix peer, int protocol, int firstPort, int lastPort) {

        static Match any(IpPrefix peer) {
            return new Match(peer, ANY_PROTOCOL, 0, MAX_PORT);
        }

        /** The packets both match, or null when none do. */
        Match intersect(Match other) {
            IpPrefix prefix = peer.contains(other.peer) ? other.peer : other.peer.contains(peer) ? peer : null;
            if (prefix == null) return null;
            int proto = protocol == ANY_PROTOCOL ? other.protocol : other.protocol == ANY_PROTOCOL ? protocol
                    : protocol == other.protocol ? protocol : -1;
            if (proto < 0) return null;
            int first = Math.max(firstPort, other.firstPort);
            int last = Math.min(lastPort, other.lastPort);
            return first > last ? null : new Match(prefix, proto, first, last);
        }
    }

    record Entry(Match match, boolean allow) {
    }

    private final PolicySet policies;
    private final List<AclEndpoint> endpoints;
    private final List<Tier> tiers;

    public AclCompiler(PolicySet policies, List<AclEndpoint> endpoints) {
        this.policies = policies;
        this.endpoints = List.copyOf(endpoints);
        List<Tier> sorted = new ArrayList<>(policies.tiers());
        sorted.sort(Comparator.comparingDouble(Tier::order).thenComparing(Tier::name));
        this.tiers = List.copyOf(sorted);
    }

    /** Every endpoint's ACLs by uid; empty for an endpoint isolated in neither direction (it needs no ACL). */
    public Map<String, Optional<PodAcls>> compileAll() {
        Map<String, Optional<PodAcls>> result = new LinkedHashMap<>();
        for (AclEndpoint endpoint : endpoints) result.put(endpoint.uid(), compile(endpoint));
        return result;
    }

    public Optional<PodAcls> compile(AclEndpoint self) {
        boolean ingress = isolated(self, PolicyType.INGRESS);
        boolean egress = isolated(self, PolicyType.EGRESS);
        if (!ingress && !egress) return Optional.empty();
        List<Entry> in = from(0, self, PolicyType.INGRESS);
        List<Entry> out = from(0, self, PolicyType.EGRESS);
        return Optional.of(new PodAcls(rules(out, PolicyType.EGRESS), rules(in, PolicyType.INGRESS)));
    }

    private boolean isolated(AclEndpoint self, PolicyType direction) {
        for (Tier tier : tiers) if (!applicable(tier, self, direction).isEmpty()) return true;
        return false;
    }

    /** A first-match list deciding as evaluating tiers {@code first..} does. */
    private List<Entry> from(int first, AclEndpoint self, PolicyType direction) {
        for (int t = first; t < tiers.size(); t++) {
            List<NetworkPolicy> applicable = applicable(tiers.get(t), self, direction);
            if (applicable.isEmpty()) continue;
            List<Entry> entries = new ArrayList<>();
            List<Entry> later = null;
            for (NetworkPolicy policy : applicable) {
                for (PolicyRule rule : direction == PolicyType.INGRESS ? policy.spec().ingress() : policy.spec().egress()) {
                    List<Match> matches = matches(policy, rule, self, direction);
                    switch (rule.action()) {
                        case LOG -> {
                            // decides nothing; VPP's acl plugin has no log action
                        }
                        case ALLOW, DENY -> matches.forEach(m -> entries.add(new Entry(m, rule.action() == dev.booster.api.policy.RuleAction.ALLOW)));
                        case PASS -> {
                            if (later == null) later = from(t + 1, self, direction);
                            for (Match m : matches) {
                                for (Entry e : later) {
                                    Match both = m.intersect(e.match());
                                    if (both != null) entries.add(new Entry(both, e.allow()));
                                }
                            }
                        }
                    }
                }
            }
            entries.add(new Entry(Match.any(ANY4), false));
            entries.add(new Entry(Match.any(ANY6), false));
            return entries;
        }
        // No later tier isolates the pod: allowed (not isolated at all, or every tier passed).
        return List.of(new Entry(Match.any(ANY4), true), new Entry(Match.any(ANY6), true));
    }

    private List<NetworkPolicy> applicable(Tier tier, AclEndpoint self, PolicyType direction) {
        List<NetworkPolicy> result = new ArrayList<>();
        for (NetworkPolicy policy : policies.policies()) {
            if (policy.spec().tier().orElse(Tier.DEFAULT.name()).equals(tier.name()) && applies(policy, self, direction)) {
                result.add(policy);
            }
        }
        result.sort(Comparator.comparing((NetworkPolicy p) -> p.spec().order().isEmpty())
                .thenComparing(p -> p.spec().order().orElse(0.0))
                .thenComparing(NetworkPolicy::key));
        return result;
    }

    private boolean applies(NetworkPolicy policy, AclEndpoint self, PolicyType direction) {
        if (!policy.spec().effectivePolicyTypes().contains(direction)) return false;
        if (!policy.spec().podSelector().matches(self.labels())) return false;
        if (policy.isGlobal()) {
            return policy.spec().namespaceSelector().map(s -> s.matches(policies.labelsOf(self.namespace()))).orElse(true);
        }
        return policy.metadata().namespace().equals(self.namespace());
    }

    /** The matches of one rule: its peers' prefixes crossed with its ports. */
    private List<Match> matches(NetworkPolicy policy, PolicyRule rule, AclEndpoint self, PolicyType direction) {
        Set<IpPrefix> peers = new LinkedHashSet<>();
        if (rule.peers().isEmpty()) {
            peers.add(ANY4);
            peers.add(ANY6);
        }
        for (NetworkPolicyPeer peer : rule.peers()) peers.addAll(prefixes(policy, peer));
        List<Match> result = new ArrayList<>();
        if (rule.ports().isEmpty()) {
            for (IpPrefix p : peers) result.add(Match.any(p));
            return result;
        }
        for (NetworkPolicyPort port : rule.ports()) {
            int protocol = port.protocol().number();
            if (port.port().isEmpty()) {
                for (IpPrefix p : peers) result.add(new Match(p, protocol, 0, MAX_PORT));
                continue;
            }
            switch (port.port().get()) {
                case PortRef.Number(int start) -> {
                    int end = port.endPort().orElse(start);
                    for (IpPrefix p : peers) result.add(new Match(p, protocol, start, end));
                }
                case PortRef.Named(String name) -> {
                    if (direction == PolicyType.INGRESS) {
                        for (NamedPort named : self.namedPorts()) {
                            if (named.name().equals(name) && named.protocol() == port.protocol()) {
                                for (IpPrefix p : peers) result.add(new Match(p, protocol, named.port(), named.port()));
                            }
                        }
                    } else {
                        // The destination's named port: only addresses of pods that have it, each with its number.
                        for (AclEndpoint destination : endpoints) {
                            for (NamedPort named : destination.namedPorts()) {
                                if (!named.name().equals(name) || named.protocol() != port.protocol()) continue;
                                for (IpAddress address : destination.addresses()) {
                                    if (peers.stream().anyMatch(p -> p.contains(address))) {
                                        result.add(new Match(hostPrefix(address), protocol, named.port(), named.port()));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result;
    }

    private List<IpPrefix> prefixes(NetworkPolicy policy, NetworkPolicyPeer peer) {
        if (peer.ipBlock().isPresent()) return withoutExceptions(peer.ipBlock().get());
        List<IpPrefix> result = new ArrayList<>();
        for (AclEndpoint candidate : endpoints) {
            if (selectedBy(policy, peer, candidate)) {
                for (IpAddress address : candidate.addresses()) result.add(hostPrefix(address));
            }
        }
        return result;
    }

    private boolean selectedBy(NetworkPolicy policy, NetworkPolicyPeer peer, AclEndpoint candidate) {
        if (peer.podSelector().isPresent() && !peer.podSelector().get().matches(candidate.labels())) return false;
        if (peer.namespaceSelector().isPresent()) {
            return peer.namespaceSelector().get().matches(policies.labelsOf(candidate.namespace()));
        }
        return policy.isGlobal() || policy.metadata().namespace().equals(candidate.namespace());
    }

    static IpPrefix hostPrefix(IpAddress address) {
        return new IpPrefix(address, address.family().bits());
    }

    /** The prefixes covering {@code cidr} minus its exceptions, exactly. */
    static List<IpPrefix> withoutExceptions(IpBlock block) {
        List<IpPrefix> remaining = List.of(block.cidr());
        for (IpPrefix exception : block.exceptions()) {
            List<IpPrefix> next = new ArrayList<>();
            for (IpPrefix prefix : remaining) subtract(prefix, exception, next);
            remaining = next;
        }
        return remaining;
    }

    private static void subtract(IpPrefix prefix, IpPrefix exception, List<IpPrefix> into) {
        if (exception.contains(prefix)) return;
        if (!prefix.contains(exception)) {
            into.add(prefix);
            return;
        }
        int bits = prefix.family().bits();
        BigInteger base = new BigInteger(1, prefix.address().toBytes());
        BigInteger half = BigInteger.ONE.shiftLeft(bits - prefix.length() - 1);
        subtract(new IpPrefix(address(base, prefix.family()), prefix.length() + 1), exception, into);
        subtract(new IpPrefix(address(base.add(half), prefix.family()), prefix.length() + 1), exception, into);
    }

    private static IpAddress address(BigInteger value, IpFamily family) {
        int size = family.bits() / 8;
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[size];
        int copy = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - copy, bytes, size - copy, copy);
        return family == IpFamily.IPV4 ? Ip4Address.ofBytes(bytes) : Ip6Address.ofBytes(bytes);
    }

    /** Entries as VPP rules: the peer is the source of what VPP sends the pod, the destination of what it receives. */
    private static List<AclRule> rules(List<Entry> entries, PolicyType direction) {
        List<AclRule> rules = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Match m = e.match();
            dev.booster.vpp.binapi.Prefix peer = VppAddresses.prefix(m.peer());
            dev.booster.vpp.binapi.Prefix any = VppAddresses.prefix(m.peer().family() == IpFamily.IPV4 ? ANY4 : ANY6);
            rules.add(AclRule.builder()
                    .isPermit(e.allow() ? AclAction.ACL_ACTION_API_PERMIT_REFLECT : AclAction.ACL_ACTION_API_DENY)
                    .srcPrefix(direction == PolicyType.INGRESS ? peer : any)
                    .dstPrefix(direction == PolicyType.INGRESS ? any : peer)
                    .proto(new IpProto(m.protocol()))
                    .srcportOrIcmptypeFirst(0).srcportOrIcmptypeLast(MAX_PORT)
                    .dstportOrIcmpcodeFirst(m.firstPort()).dstportOrIcmpcodeLast(m.lastPort())
                    .tcpFlagsMask(0).tcpFlagsValue(0)
                    .build());
        }
        return rules;
    }
}
