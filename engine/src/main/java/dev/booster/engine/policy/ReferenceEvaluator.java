package dev.booster.engine.policy;

import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.PolicyRule;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The meaning of a {@link PolicySet}, evaluated straight from the model objects for one packet at a time: slow,
 * allocation-happy and meant to be obviously right. It is the oracle the compiled classifier
 * ({@link PolicyCompiler}) and dataplanes that compile policy themselves are tested against. The semantics follow
 * Kubernetes' NetworkPolicy documentation, extended with Calico's tiers and rule actions:
 *
 * <h2>Which policies apply</h2>
 * A policy applies to an endpoint in a direction when
 * <ul>
 *   <li>{@code spec.podSelector} selects the endpoint's labels,</li>
 *   <li>the endpoint is in the policy's namespace (a {@code NetworkPolicy}) or in a namespace whose labels
 *       ({@link PolicySet#labelsOf}) {@code spec.namespaceSelector} selects (a {@code GlobalNetworkPolicy}; no
 *       selector means every namespace), and</li>
 *   <li>the direction is in {@code spec.effectivePolicyTypes()}.</li>
 * </ul>
 * An endpoint to which no policy applies in a direction is not isolated in that direction: every packet is allowed
 * ({@link RuleDescriptor#NOT_ISOLATED}).
 *
 * <h2>Order of evaluation</h2>
 * Tiers are evaluated in {@link Tier#order()} order, ties broken by name. A tier without a policy that applies to
 * the endpoint in the direction is skipped. Within a tier the applicable policies are taken by {@code spec.order}
 * (policies without one come after every ordered policy), ties broken by {@link NetworkPolicy#key()}; within a
 * policy the rules of the direction ({@code spec.ingress} or {@code spec.egress}) in list order. The first rule that
 * matches and whose action is
 * <ul>
 *   <li>{@code Allow} allows the packet, {@code Deny} denies it;</li>
 *   <li>{@code Log} decides nothing: evaluation goes on with the next rule;</li>
 *   <li>{@code Pass} ends this tier: evaluation goes on with the next tier that has an applicable policy.</li>
 * </ul>
 * A tier with applicable policies in which no rule decided or passed denies the packet
 * ({@link RuleDescriptor#END_OF_TIERS}, naming that tier). When every remaining tier was passed, the packet is allowed
 * and the last {@code Pass} rule is reported as the deciding rule. With only Kubernetes policies (all Allow, one tier)
 * this is exactly Kubernetes' rule: isolated pods accept the union of what their policies allow.
 *
 * <h2>When a rule matches</h2>
 * A rule matches when one of its peers matches the peer address (no peers: every address) and one of its ports
 * matches the packet's protocol and port (no ports: every protocol and port).
 * <ul>
 *   <li>Peers. {@code podSelector} alone: the addresses of the endpoints in the policy's namespace (for a global
 *       policy, in every namespace) whose labels it selects. {@code namespaceSelector} alone: the addresses of every
 *       endpoint in a namespace whose labels it selects. Both: endpoints satisfying both. Endpoints are all endpoints
 *       the evaluator knows, local and {@link PolicyEndpoint#REMOTE}; an address belonging to several endpoints
 *       matches when any of them is selected. {@code ipBlock}: the addresses inside {@code cidr} and outside every
 *       {@code except} prefix. As Kubernetes says, ipBlock applies to any address, pod addresses included.</li>
 *   <li>Ports. The packet's protocol number must equal the port's protocol. No {@code port}: every port of that
 *       protocol. A number: that port; with {@code endPort}: {@code port..endPort}. A name: the number of the
 *       destination pod's named port of that name and protocol. For ingress the destination is the endpoint itself;
 *       for egress it is the endpoint owning the peer address (any of them, if several do); a peer address no
 *       endpoint owns has no named ports, so named ports never match it. Protocols without ports (ICMP...) are
 *       passed with port 0 and match only rules without ports.</li>
 * </ul>
 * Traffic between an endpoint and its own address is subject to policy like any other traffic (Kubernetes leaves
 * this undefined).
 */
public final class ReferenceEvaluator {

    /** The outcome for one packet and the rule that decided it. */
    public record Decision(boolean allowed, RuleDescriptor rule) {
    }

    private final PolicySet policies;
    private final List<PolicyEndpoint> endpoints;

    public ReferenceEvaluator(PolicySet policies, List<PolicyEndpoint> endpoints) {
        this.policies = policies;
        this.endpoints = List.copyOf(endpoints);
    }

    /**
     * Decides one packet.
     *
     * @param endpoint  the {@link PolicyEndpoint#id()} of a local endpoint
     * @param direction {@code INGRESS}: {@code peer} is the source; {@code EGRESS}: {@code peer} is the destination
     * @param protocol  the IP protocol number
     * @param port      the destination port, 0 for protocols without ports
     */
    public Decision evaluate(int endpoint, PolicyType direction, IpAddress peer, int protocol, int port) {
        PolicyEndpoint self = localEndpoint(endpoint);
        boolean isolated = false;
        RuleDescriptor lastPass = null;
        for (Tier tier : tiersInOrder()) {
            List<NetworkPolicy> applicable = applicablePolicies(tier, self, direction);
            if (applicable.isEmpty()) continue;
            isolated = true;
            RuleDescriptor pass = evaluateTier(tier, applicable, self, direction, peer, protocol, port);
            if (pass == null) return new Decision(false, RuleDescriptor.endOfTier(tier.name(), direction));
            if (pass.action() != RuleAction.PASS) {
                return new Decision(pass.action() == RuleAction.ALLOW, pass);
            }
            lastPass = pass;
        }
        if (!isolated) return new Decision(true, RuleDescriptor.notIsolated(direction));
        return new Decision(true, lastPass);
    }

    /** The first matching Allow, Deny or Pass rule of the tier, or null when none matches. */
    private RuleDescriptor evaluateTier(Tier tier, List<NetworkPolicy> applicable, PolicyEndpoint self,
                                        PolicyType direction, IpAddress peer, int protocol, int port) {
        for (NetworkPolicy policy : applicable) {
            List<? extends PolicyRule> rules = direction == PolicyType.INGRESS ? policy.spec().ingress() : policy.spec().egress();
            for (int i = 0; i < rules.size(); i++) {
                PolicyRule rule = rules.get(i);
                if (!matches(policy, rule, self, direction, peer, protocol, port)) continue;
                switch (rule.action()) {
                    case LOG -> {
                        // Log only records the packet; the next rule decides.
                    }
                    case ALLOW, DENY, PASS -> {
                        return new RuleDescriptor(policy.key(), tier.name(), direction, i, rule.action());
                    }
                }
            }
        }
        return null;
    }

    private List<Tier> tiersInOrder() {
        List<Tier> tiers = new ArrayList<>(policies.tiers());
        tiers.sort(Comparator.comparingDouble(Tier::order).thenComparing(Tier::name));
        return tiers;
    }

    private List<NetworkPolicy> applicablePolicies(Tier tier, PolicyEndpoint self, PolicyType direction) {
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

    private boolean applies(NetworkPolicy policy, PolicyEndpoint self, PolicyType direction) {
        if (!policy.spec().effectivePolicyTypes().contains(direction)) return false;
        if (!policy.spec().podSelector().matches(self.labels())) return false;
        if (policy.isGlobal()) {
            return policy.spec().namespaceSelector().map(s -> s.matches(policies.labelsOf(self.namespace()))).orElse(true);
        }
        return policy.metadata().namespace().equals(self.namespace());
    }

    private boolean matches(NetworkPolicy policy, PolicyRule rule, PolicyEndpoint self, PolicyType direction,
                            IpAddress peer, int protocol, int port) {
        boolean peerMatches = rule.peers().isEmpty();
        for (NetworkPolicyPeer p : rule.peers()) {
            if (peerMatches(policy, p, peer)) peerMatches = true;
        }
        if (!peerMatches) return false;
        if (rule.ports().isEmpty()) return true;
        for (NetworkPolicyPort p : rule.ports()) {
            if (portMatches(p, self, direction, peer, protocol, port)) return true;
        }
        return false;
    }

    private boolean peerMatches(NetworkPolicy policy, NetworkPolicyPeer peerSpec, IpAddress peer) {
        if (peerSpec.ipBlock().isPresent()) return peerSpec.ipBlock().get().contains(peer);
        for (PolicyEndpoint candidate : endpoints) {
            if (candidate.addresses().contains(peer) && selectedBy(policy, peerSpec, candidate)) return true;
        }
        return false;
    }

    private boolean selectedBy(NetworkPolicy policy, NetworkPolicyPeer peerSpec, PolicyEndpoint candidate) {
        if (peerSpec.podSelector().isPresent() && !peerSpec.podSelector().get().matches(candidate.labels())) return false;
        if (peerSpec.namespaceSelector().isPresent()) {
            return peerSpec.namespaceSelector().get().matches(policies.labelsOf(candidate.namespace()));
        }
        // podSelector alone looks at the policy's own namespace; a global policy has none, so at every namespace.
        return policy.isGlobal() || policy.metadata().namespace().equals(candidate.namespace());
    }

    private boolean portMatches(NetworkPolicyPort p, PolicyEndpoint self, PolicyType direction, IpAddress peer,
                                int protocol, int port) {
        if (p.protocol().number() != protocol) return false;
        if (p.port().isEmpty()) return true;
        return switch (p.port().get()) {
            case PortRef.Number(int start) -> port >= start && port <= p.endPort().orElse(start);
            case PortRef.Named(String name) -> {
                if (direction == PolicyType.INGRESS) yield hasNamedPort(self, name, p, port);
                boolean any = false;
                for (PolicyEndpoint destination : endpoints) {
                    if (destination.addresses().contains(peer) && hasNamedPort(destination, name, p, port)) any = true;
                }
                yield any;
            }
        };
    }

    private static boolean hasNamedPort(PolicyEndpoint endpoint, String name, NetworkPolicyPort p, int port) {
        for (NamedPort named : endpoint.namedPorts()) {
            if (named.name().equals(name) && named.protocol() == p.protocol() && named.port() == port) return true;
        }
        return false;
    }

    private PolicyEndpoint localEndpoint(int id) {
        for (PolicyEndpoint e : endpoints) {
            if (e.isLocal() && e.id() == id) return e;
        }
        throw new IllegalArgumentException("no local endpoint with id " + id + "; local ids are the endpoints' PolicyEndpoint.id() values");
    }
}
