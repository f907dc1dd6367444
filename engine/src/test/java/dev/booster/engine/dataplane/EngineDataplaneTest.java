package dev.booster.engine.dataplane;

import dev.booster.api.Capability;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.Protocol;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.packet.Port;
import dev.booster.engine.testing.TestBuffers;
import dev.booster.engine.testing.TestPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class EngineDataplaneTest {

    private static final class QueueBackend implements EngineBackend {
        final TestBuffers buffers = new TestBuffers(64, 2048, 128);

        @Override
        public String provider() {
            return "test";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.VETH, Capability.POLICY);
        }

        @Override
        public PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
            TestPort port = new TestPort(pod.uid(), buffers);
            return new PodPort() {
                @Override
                public Port port() {
                    return port;
                }

                @Override
                public String hostName() {
                    return pod.uid();
                }

                @Override
                public MacAddress podMac() {
                    return MacAddress.locallyAdministered(pod.uid().hashCode());
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public <T> T inPodNetns(PodSpec pod, java.util.function.Supplier<T> task) {
            return task.get();
        }

        @Override
        public void close() {
            buffers.close();
        }
    }

    private static PodSpec pod(String name, String ip) {
        return PodSpec.builder("shop", name).labels(Map.of("app", name)).netns("/var/run/netns/" + name)
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip + "/32"))).build();
    }

    @Test
    void aPodLeavingALowerSlotThanAnotherKeepsPolicyCompilable() {
        try (EngineDataplane dp = new EngineDataplane(new QueueBackend(), new Engine(EngineConfig.defaults()))) {
            PodAttachment a = dp.pods().attach(pod("a", "10.0.0.1"));
            dp.pods().attach(pod("b", "10.0.0.2"));
            NetworkPolicy fromAnyNamespace = NetworkPolicy.of("shop", "b-in", NetworkPolicySpec.of(
                    LabelSelector.matchLabels(Map.of("app", "b")), List.of(PolicyType.INGRESS),
                    List.of(IngressRule.allow(List.of(NetworkPolicyPeer.namespaces(LabelSelector.matchLabels(Map.of()))),
                            List.of(NetworkPolicyPort.tcp(80)))), List.of()));
            dp.policies().apply(PolicySet.of(fromAnyNamespace));

            a.detach(); // slot 0 becomes a free-slot stand-in while b keeps slot 1

            assertFalse(a.isAttached());
            assertEquals(2, dp.policies().apply(PolicySet.of(fromAnyNamespace)));
            PodAttachment c = dp.pods().attach(pod("c", "10.0.0.3"));
            assertTrue(c.isAttached());
        }
    }

    @Test
    void updateChangesLabelsAndNamedPortsOnlyAndNamesTheFieldOtherwise() {
        try (EngineDataplane dp = new EngineDataplane(new QueueBackend(), new Engine(EngineConfig.defaults()))) {
            PodSpec a = pod("a", "10.0.0.1");
            PodAttachment attached = dp.pods().attach(a);
            PodSpec relabeled = new PodSpec(a.uid(), a.namespace(), a.name(), Map.of("app", "a", "tier", "web"), a.netns(), a.interfaces(),
                    List.of(new NamedPort("http", Protocol.TCP, 8080)));

            assertSame(attached, dp.pods().update(relabeled));
            assertEquals(relabeled, dp.pods().get(a.uid()).orElseThrow().spec());

            PodSpec moved = new PodSpec(a.uid(), a.namespace(), a.name(), a.labels(), a.netns(),
                    List.of(Veth.of("eth0", InterfaceAddress.parse("10.0.0.9/32"))), List.of());
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().update(moved));
            assertEquals("interfaces", e.field());
            InvalidSpecException unknown = assertThrows(InvalidSpecException.class, () -> dp.pods().update(pod("x", "10.0.0.5")));
            assertEquals("uid", unknown.field());
            PodSpec badLabel = new PodSpec(a.uid(), a.namespace(), a.name(), Map.of("app", "-bad-"), a.netns(), a.interfaces(), List.of());
            assertThrows(InvalidSpecException.class, () -> dp.pods().update(badLabel));
            assertEquals(relabeled, dp.pods().get(a.uid()).orElseThrow().spec(), "a refused update changes nothing");
        }
    }
}
