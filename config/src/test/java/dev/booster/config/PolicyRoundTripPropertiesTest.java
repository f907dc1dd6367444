package dev.booster.config;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.LabelSelectorRequirement;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.ObjectMeta;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Any valid policy, however odd its labels, addresses and ports, reads back equal from YAML and JSON. */
class PolicyRoundTripPropertiesTest {

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void policyRoundTripsThroughYamlAndJson(@ForAll("policies") NetworkPolicy policy) {
        String yaml = Manifests.toYaml(policy);
        assertEquals(List.of(policy), Manifests.policiesFromYaml(yaml), yaml);
        String json = Manifests.toJson(policy);
        assertEquals(List.of(policy), Manifests.policiesFromJson(json), json);
    }

    @Property(tries = 25, edgeCases = EdgeCasesMode.NONE)
    void policyListsRoundTrip(@ForAll("policyLists") List<NetworkPolicy> policies) {
        String yaml = Manifests.policiesToYaml(policies);
        assertEquals(policies, Manifests.policiesFromYaml(yaml), yaml);
    }

    @Provide
    Arbitrary<List<NetworkPolicy>> policyLists() {
        return policies().list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<NetworkPolicy> policies() {
        return Arbitraries.oneOf(namespacedPolicies(), globalPolicies());
    }

    private Arbitrary<NetworkPolicy> namespacedPolicies() {
        return Combinators.combine(meta(dnsLabel()), spec(Arbitraries.just(RuleAction.ALLOW), Arbitraries.just(Optional.empty())))
                .as((meta, spec) -> new NetworkPolicy(NetworkPolicy.K8S_API_VERSION, NetworkPolicy.KIND, meta, spec));
    }

    private Arbitrary<NetworkPolicy> globalPolicies() {
        return Combinators.combine(meta(Arbitraries.just(null)), spec(Arbitraries.of(RuleAction.class), selector().optional()))
                .as((meta, spec) -> new NetworkPolicy(NetworkPolicy.BOOSTER_API_VERSION, NetworkPolicy.GLOBAL_KIND, meta, spec));
    }

    private Arbitrary<ObjectMeta> meta(Arbitrary<String> namespace) {
        Arbitrary<String> name = dnsLabel().list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(".", parts));
        Arbitrary<String> annotationValue = Arbitraries.strings().ascii().withChars("éü→\n\t\"'#:{}[]").ofMaxLength(40);
        return Combinators.combine(name, namespace, Arbitraries.maps(labelKey(), labelValue()).ofMaxSize(3),
                        Arbitraries.maps(labelKey(), annotationValue).ofMaxSize(2))
                .as(ObjectMeta::new);
    }

    private Arbitrary<NetworkPolicySpec> spec(Arbitrary<RuleAction> actions, Arbitrary<Optional<LabelSelector>> namespaceSelector) {
        Arbitrary<List<PolicyType>> types = Arbitraries.of(List.of(), List.of(PolicyType.INGRESS), List.of(PolicyType.EGRESS),
                List.of(PolicyType.INGRESS, PolicyType.EGRESS), List.of(PolicyType.EGRESS, PolicyType.INGRESS));
        // Small lists keep generation fast; two of each already covers "several" in every position.
        Arbitrary<List<IngressRule>> ingress = Combinators.combine(peer().list().ofMaxSize(2), port().list().ofMaxSize(2), actions)
                .as(IngressRule::new).list().ofMaxSize(2);
        Arbitrary<List<EgressRule>> egress = Combinators.combine(peer().list().ofMaxSize(2), port().list().ofMaxSize(2), actions)
                .as(EgressRule::new).list().ofMaxSize(2);
        Arbitrary<Optional<Double>> order = Arbitraries.doubles().between(-1e9, 1e9).optional();
        Arbitrary<Optional<String>> tier = dnsLabel().optional();
        return Combinators.combine(selector(), types, ingress, egress, order, tier, namespaceSelector)
                .as((selector, policyTypes, in, out, o, t, ns) -> new NetworkPolicySpec(selector, policyTypes,
                        policyTypes.isEmpty() || policyTypes.contains(PolicyType.INGRESS) ? in : List.of(),
                        policyTypes.isEmpty() || policyTypes.contains(PolicyType.EGRESS) ? out : List.of(),
                        o, t, ns));
    }

    private Arbitrary<NetworkPolicyPeer> peer() {
        return Arbitraries.oneOf(
                selector().map(NetworkPolicyPeer::pods),
                selector().map(NetworkPolicyPeer::namespaces),
                Combinators.combine(selector(), selector()).as(NetworkPolicyPeer::podsInNamespaces),
                ipBlock().map(NetworkPolicyPeer::ipBlock));
    }

    private Arbitrary<NetworkPolicyPort> port() {
        Arbitrary<Protocol> protocol = Arbitraries.of(Protocol.class);
        Arbitrary<Integer> number = Arbitraries.integers().between(1, 65535);
        Arbitrary<String> name = Combinators.combine(Arbitraries.chars().range('a', 'z'), Arbitraries.strings().withCharRange('a', 'z')
                .withCharRange('0', '9').ofMaxLength(13)).as((letter, rest) -> letter + rest);
        return Arbitraries.oneOf(
                protocol.map(p -> new NetworkPolicyPort(p, Optional.empty(), Optional.empty())),
                Combinators.combine(protocol, number).as((p, n) -> new NetworkPolicyPort(p, Optional.of(PortRef.of(n)), Optional.empty())),
                Combinators.combine(protocol, name).as(NetworkPolicyPort::named),
                Combinators.combine(protocol, number, number).as((p, a, b) -> NetworkPolicyPort.range(p, Math.min(a, b), Math.max(a, b))));
    }

    private Arbitrary<LabelSelector> selector() {
        Arbitrary<LabelSelectorRequirement> requirement = Arbitraries.oneOf(
                Combinators.combine(labelKey(), labelValue().list().ofMinSize(1).ofMaxSize(3))
                        .as((k, v) -> LabelSelectorRequirement.in(k, v.toArray(String[]::new))),
                Combinators.combine(labelKey(), labelValue().list().ofMinSize(1).ofMaxSize(3))
                        .as((k, v) -> LabelSelectorRequirement.notIn(k, v.toArray(String[]::new))),
                labelKey().map(LabelSelectorRequirement::exists),
                labelKey().map(LabelSelectorRequirement::doesNotExist));
        return Combinators.combine(Arbitraries.maps(labelKey(), labelValue()).ofMaxSize(3), requirement.list().ofMaxSize(2))
                .as(LabelSelector::new);
    }

    /** Built without flatMap (which makes jqwik's generation and shrinking slow): lengths are drawn as seeds, then fitted. */
    private Arbitrary<IpBlock> ipBlock() {
        Arbitrary<byte[]> address = Arbitraries.bytes().array(byte[].class).ofSize(16);
        Arbitrary<Integer> seed = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<List<Excluded>> exceptions = Combinators.combine(address, seed).as(Excluded::new).list().ofMaxSize(2);
        return Combinators.combine(Arbitraries.of(4, 16), address, seed, exceptions).as((size, bytes, lengthSeed, except) -> {
            int bits = size * 8;
            int length = lengthSeed % bits;
            IpPrefix cidr = IpPrefix.containing(IpAddress.ofBytes(java.util.Arrays.copyOf(bytes, size)), length);
            return new IpBlock(cidr, except.stream()
                    .map(e -> IpPrefix.containing(inside(cidr, e.host()), length + 1 + e.lengthSeed() % (bits - length)))
                    .toList());
        });
    }

    private record Excluded(byte[] host, int lengthSeed) {
    }

    /** The address with {@code cidr}'s network bits and {@code host}'s remaining bits. */
    private static IpAddress inside(IpPrefix cidr, byte[] host) {
        byte[] network = cidr.address().toBytes();
        byte[] mixed = new byte[network.length];
        for (int i = 0; i < network.length; i++) {
            int networkBits = Math.clamp(cidr.length() - 8 * i, 0, 8);
            int mask = (0xff << (8 - networkBits)) & 0xff;
            mixed[i] = (byte) ((network[i] & mask) | (host[i] & ~mask & 0xff));
        }
        return IpAddress.ofBytes(mixed);
    }

    private static Arbitrary<String> dnsLabel() {
        return Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-').ofMaxLength(8),
                        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1))
                .as((first, middle, last) -> first + middle + last);
    }

    /** Label names and values, including ones YAML would misread as numbers or booleans if left unquoted. */
    private static Arbitrary<String> labelName() {
        Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').ofLength(1);
        Arbitrary<String> composed = Combinators.combine(alnum,
                        Arbitraries.strings().withCharRange('a', 'f').withCharRange('0', '9').withChars("xXbeE._-").ofMaxLength(6), alnum)
                .as((first, middle, last) -> first + middle + last);
        return Arbitraries.oneOf(alnum, composed, Arbitraries.of("yes", "no", "on", "off", "true", "null", "1_000", "0x1F", "1e3", "0b11", "07", "1.5"));
    }

    private static Arbitrary<String> labelKey() {
        Arbitrary<String> prefix = Arbitraries.of("", "app.kubernetes.io/", "example.com/", "k8s.io/");
        return Combinators.combine(prefix, labelName()).as(String::concat);
    }

    private static Arbitrary<String> labelValue() {
        return Arbitraries.oneOf(Arbitraries.just(""), labelName());
    }
}
