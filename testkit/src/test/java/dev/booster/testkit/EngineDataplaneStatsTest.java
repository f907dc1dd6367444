package dev.booster.testkit;

import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counters and tracing of {@link dev.booster.engine.dataplane.EngineDataplane}, on the memory provider. */
class EngineDataplaneStatsTest {
    private static final int SYN = 0x02;
    private static final String POLICY = "shop/server-allows-client";

    private final MemoryDataplane dp = MemoryDataplane.of(TestPods.openMemory());
    private final MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "client", Map.of("app", "client"), "10.0.0.1").build()));
    private final MemoryPod server = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "server", Map.of("app", "server"), "10.0.0.2").build()));
    private final MemoryPod guest = MemoryPod.of(dp.pods().attach(TestPods.builder("shop", "guest", Map.of("app", "guest"), "10.0.0.3").build()));

    @AfterEach
    void close() {
        dp.close();
    }

    @Test
    void dropsListOnlyReasonsThatDropped() {
        assertEquals(List.of(), dp.stats().drops(), "nothing dropped yet");

        client.send(client.frameTo(server.ipv4()).udp(40000, 53, 8).ttl(1).build());
        assertEquals(List.of(new DropCounter("ttl-expired", 1)), dp.stats().drops());

        dp.policies().apply(PolicySet.of(EngineDataplanePolicyTest.serverAllowsClient(8080)));
        guest.send(guest.frameTo(server.ipv4()).tcp(40001, 8080, SYN).build());
        guest.send(guest.frameTo(server.ipv4()).tcp(40002, 8080, SYN).build());
        assertEquals(List.of(new DropCounter("policy-deny", 2), new DropCounter("ttl-expired", 1)), dp.stats().drops());
        assertEquals(2, dp.stats().drops("policy-deny"));
        assertEquals(0, dp.stats().drops("no-route"));
    }

    @Test
    void policyHitsNameThePolicyAndTheRuleThatDecided() {
        dp.policies().apply(PolicySet.of(EngineDataplanePolicyTest.serverAllowsClient(8080)));
        byte[] allowed = client.frameTo(server.ipv4()).tcp(40000, 8080, SYN).build();
        client.send(allowed);
        guest.send(guest.frameTo(server.ipv4()).tcp(40001, 8080, SYN).build());
        assertTrue(server.receive().isPresent());

        assertEquals(List.of(new PolicyHitCounter(POLICY, PolicyType.INGRESS, 0, 1, allowed.length)), hits(POLICY));
        PolicyHitCounter defaultDeny = dp.stats().policyHits().stream()
                .filter(h -> h.direction() == PolicyType.INGRESS && h.ruleIndex() == -1 && h.packets() > 0).findFirst().orElseThrow();
        assertEquals(1, defaultDeny.packets(), "the guest's SYN met the end of the tier");
    }

    @Test
    void aTraceShowsTheRuleThatDecided() {
        dp.policies().apply(PolicySet.of(EngineDataplanePolicyTest.serverAllowsClient(8080)));

        dp.traceAdd(1, TraceFilter.any());
        client.send(client.frameTo(server.ipv4()).tcp(40000, 8080, SYN).build());
        PacketTrace allowed = dp.traces().getLast();
        assertTrue(allowed.has("policy-ingress", "allow") && allowed.has("policy-ingress", POLICY + " ingress[0] ALLOW"), allowed.toString());
        assertTrue(allowed.has("interface-output", "shop/server/eth0"), allowed.toString());

        dp.traceClear();
        dp.traceAdd(1, TraceFilter.protocolPort(6, 9090));
        client.send(client.frameTo(server.ipv4()).udp(40001, 9090, 8).build()); // not TCP: not traced
        client.send(client.frameTo(server.ipv4()).tcp(40002, 9090, SYN).build());
        List<PacketTrace> traces = dp.traces();
        assertEquals(1, traces.size(), traces.toString());
        PacketTrace denied = traces.getFirst();
        assertTrue(denied.has("policy-ingress", "deny") && denied.has("policy-ingress", "default deny"), denied.toString());
        assertTrue(denied.has("error-drop", "policy-deny"), denied.toString());
    }

    private List<PolicyHitCounter> hits(String policy) {
        return dp.stats().policyHits().stream().filter(h -> h.policy().equals(policy)).toList();
    }
}
