package dev.booster.vpp.provider;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.vpp.binapi.AclAction;
import dev.booster.vpp.binapi.AclAddReplace;
import dev.booster.vpp.binapi.AclDel;
import dev.booster.vpp.binapi.AclInterfaceSetAclList;
import dev.booster.vpp.binapi.AclRule;
import dev.booster.vpp.binapi.IpProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.booster.vpp.provider.VppWire.NONE;
import static dev.booster.vpp.provider.VppWire.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Policy on the vpp backend against {@link FakeVppServer}: the exact acl-plugin messages for a Kubernetes policy,
 * ACLs replaced in place when selectors select other pods, nothing sent again for an unchanged set, and ACLs
 * unbound and deleted when no policy isolates a pod any more.
 */
class VppPoliciesAgainstFakeVppTest {

    @TempDir
    Path directory;

    private FakeVppFixture fake;

    @BeforeEach
    void open() {
        fake = new FakeVppFixture(directory);
    }

    @AfterEach
    void close() throws Exception {
        fake.close();
    }

    @Test
    void aPolicyBecomesAnInputAndAnOutputAclPerIsolatedPodBoundToItsInterface() throws Exception {
        fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("web",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));        // sw_if_index 1 (loopback: 2)
        PodAttachment client = fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("client",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.11/32"))));        // 3
        fake.vpp.clearRequests();

        PolicySet webOnlyFromClients = PolicySet.of(NetworkPolicy.of("default", "web", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", "web")), List.of(),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(
                        Map.of("app", "client")))), List.of(NetworkPolicyPort.tcp(80)))), List.of())));
        assertEquals(1, fake.dataplane.policies().apply(webOnlyFromClients));

        List<AclRule> egressOpen = List.of(rule(true, "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535),
                rule(true, "::/0", "::/0", 0, 0, 65535));
        List<AclRule> ingress = List.of(rule(true, "10.244.1.11/32", "0.0.0.0/0", 6, 80, 80),
                rule(false, "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535), rule(false, "::/0", "::/0", 0, 0, 65535));
        assertEquals(List.of(
                new AclAddReplace(NONE, "booster web egress", egressOpen),
                new AclAddReplace(NONE, "booster web ingress", ingress),
                new AclInterfaceSetAclList(1, 1, List.of(0L, 1L))), fake.vpp.requests());
        assertEquals(1, fake.awaitEvent(DataplaneEvent.PolicyApplied.class).generation());

        fake.vpp.clearRequests();
        assertEquals(2, fake.dataplane.policies().apply(webOnlyFromClients));
        assertEquals(List.of(), fake.vpp.requests(), "an unchanged set sends nothing");

        client.detach();
        List<AclRule> nobody = List.of(rule(false, "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535),
                rule(false, "::/0", "::/0", 0, 0, 65535));
        List<Object> sent = List.copyOf(fake.vpp.requests());
        assertEquals(List.of(new AclAddReplace(0, "booster web egress", egressOpen),
                new AclAddReplace(1, "booster web ingress", nobody)), sent.subList(sent.size() - 2, sent.size()),
                "the leaving client's address is dropped from web's ACL in place");

        fake.vpp.clearRequests();
        fake.dataplane.policies().apply(PolicySet.EMPTY);
        assertEquals(List.of(new AclInterfaceSetAclList(1, 0, List.of()), new AclDel(0), new AclDel(1)),
                fake.vpp.requests());
        assertEquals(PolicySet.EMPTY, fake.dataplane.policies().current());
    }

    @Test
    void aPodAttachedLaterGetsTheAclsOfThePolicyInForce() {
        fake.dataplane.policies().apply(PolicySet.of(NetworkPolicy.of("default", "deny-all", NetworkPolicySpec.of(
                LabelSelector.ALL, List.of(), List.of(), List.of()))));
        fake.vpp.clearRequests();
        fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("late",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.12/32"))));
        List<Object> sent = List.copyOf(fake.vpp.requests());
        assertEquals(List.of(new AclAddReplace(NONE, "booster late egress", List.of(
                        rule(true, "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535), rule(true, "::/0", "::/0", 0, 0, 65535))),
                new AclAddReplace(NONE, "booster late ingress", List.of(
                        rule(false, "0.0.0.0/0", "0.0.0.0/0", 0, 0, 65535), rule(false, "::/0", "::/0", 0, 0, 65535))),
                new AclInterfaceSetAclList(1, 1, List.of(0L, 1L))), sent.subList(sent.size() - 3, sent.size()));
    }

    @Test
    void changingAPodsLabelsInPlaceRecompilesItsAcls() {
        dev.booster.api.pod.PodSpec spec = VppPodsAgainstFakeVppTest.pod("web",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32")));
        fake.dataplane.pods().attach(spec);
        fake.dataplane.policies().apply(PolicySet.of(NetworkPolicy.of("default", "isolate-web", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", "web")), List.of(), List.of(), List.of()))));
        fake.vpp.clearRequests();
        fake.dataplane.pods().update(new dev.booster.api.pod.PodSpec(spec.uid(), spec.namespace(), spec.name(),
                Map.of("app", "batch"), spec.netns(), spec.interfaces(), spec.namedPorts()));
        assertEquals(List.of(new AclInterfaceSetAclList(1, 0, List.of()), new AclDel(0), new AclDel(1)),
                fake.vpp.requests(), "no policy selects the pod any more");
        assertEquals(Map.of("app", "batch"), fake.dataplane.pods().get("web").orElseThrow().spec().labels());
        org.junit.jupiter.api.Assertions.assertThrows(dev.booster.api.InvalidSpecException.class,
                () -> fake.dataplane.pods().update(VppPodsAgainstFakeVppTest.pod("web",
                        Veth.of("eth0", InterfaceAddress.parse("10.244.1.99/32")))));
    }

    @Test
    void withoutTheAclPluginPodsWorkAndPolicySaysWhatIsMissing(@TempDir Path elsewhere) throws Exception {
        try (FakeVppFixture noAcl = new FakeVppFixture(elsewhere, type -> !type.name().startsWith("acl_"))) {
            noAcl.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("web",
                    Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
            noAcl.vpp.clearRequests();
            UnsupportedOperationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    UnsupportedOperationException.class, () -> noAcl.dataplane.policies().apply(PolicySet.of(
                            NetworkPolicy.of("default", "deny-all", NetworkPolicySpec.of(LabelSelector.ALL, List.of(),
                                    List.of(), List.of())))));
            org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("acl_add_replace")
                    && refused.getMessage().contains("acl_plugin.so"), refused.getMessage());
            assertEquals(List.of(), noAcl.vpp.requests());
            assertEquals(0, noAcl.dataplane.policies().generation());
            assertEquals(PolicySet.EMPTY, noAcl.dataplane.policies().current());
        }
    }

    @Test
    void aLongUidIsCutToFitTheAclTag() {
        String tag = VppPolicies.tag("0123456789-0123456789-0123456789-0123456789-0123456789-0123456789", "ingress");
        assertEquals(63, tag.length());
        assertEquals(" ingress", tag.substring(tag.length() - 8));
    }

    /** An acl rule with all 16 bits of the source port open and no TCP flag condition. */
    private static AclRule rule(boolean permit, String source, String destination, int protocol, int firstPort,
                                int lastPort) {
        return new AclRule(permit ? AclAction.ACL_ACTION_API_PERMIT_REFLECT : AclAction.ACL_ACTION_API_DENY,
                prefix(source), prefix(destination), new IpProto(protocol), 0, 65535, firstPort, lastPort, 0, 0);
    }
}
