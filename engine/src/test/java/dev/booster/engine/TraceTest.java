package dev.booster.engine;

import dev.booster.api.policy.PolicyType;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.booster.engine.testing.TestNet.fromA;
import static org.junit.jupiter.api.Assertions.*;

class TraceTest {
    private TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding());
        net.close();
    }

    @Test
    void tracesTheNodesAndDecisionsOfAPacket() {
        net.engine.publishPolicy(new TestPolicy(1).deny(1, PolicyType.INGRESS, 80));
        net.engine.traceAdd(10, TraceFilter.any());
        net.send(net.a, fromA("10.0.0.2").tcp(40000, 80, 0x02).build(), fromA("10.0.0.2").tcp(40000, 81, 0x02).build());

        List<PacketTrace> traces = net.engine.traces();
        assertEquals(2, traces.size());
        PacketTrace denied = traces.get(0);
        assertEquals("pod-a", denied.rxInterfaceName());
        assertTrue(denied.summary().contains("10.0.0.1 -> 10.0.0.2"), denied.summary());
        assertTrue(denied.summary().contains("TCP 40000 -> 80"), denied.summary());
        assertEquals(List.of("ethernet-input", "ip4-input", "l4-extract", "ip4-lookup", "conntrack-lookup",
                "policy-egress", "policy-ingress", "error-drop"), denied.steps().stream().map(PacketTrace.Step::node).toList());
        assertTrue(denied.has("policy-ingress", "deny endpoint 1 by test/deny-80 ingress[0] DENY"), denied.toString());
        assertTrue(denied.has("error-drop", "policy-deny"), denied.toString());

        PacketTrace allowed = traces.get(1);
        assertTrue(allowed.has("policy-ingress", "allow endpoint 1 by INGRESS allowed (no policy selects the pod)"), allowed.toString());
        assertTrue(allowed.has("conntrack", "created flow"), allowed.toString());
        assertTrue(allowed.has("interface-output", "tx pod-b"), allowed.toString());
        assertTrue(allowed.toString().startsWith("rx pod-a (#0)"), allowed.toString());
    }

    @Test
    void tracesOnlyMatchingPacketsAndOnlyAsManyAsAsked() {
        net.engine.traceAdd(2, TraceFilter.protocolPort(17, 53));
        net.send(net.a, fromA("10.0.0.2").udp(1, 54, 0).build(), fromA("10.0.0.2").udp(1, 53, 0).build(),
                fromA("10.0.0.2").tcp(1, 53, 0).build(), fromA("10.0.0.2").udp(53, 9, 0).build(), fromA("10.0.0.2").udp(1, 53, 0).build());
        List<PacketTrace> traces = net.engine.traces();
        assertEquals(2, traces.size());
        assertTrue(traces.stream().allMatch(t -> t.summary().contains("UDP")));

        net.engine.traceClear();
        net.engine.traceAdd(5, TraceFilter.onInterface(net.ifUplink));
        net.send(net.a, fromA("10.0.0.2").udp(1, 53, 0).build());
        assertEquals(List.of(), net.engine.traces());
    }

    @Test
    void theBufferKeepsItsCapacityUntilCleared() {
        net.close();
        net = new TestNet(EngineConfig.builder().traceCapacity(2));
        net.engine.traceAdd(100, TraceFilter.any());
        for (int i = 0; i < 5; i++) net.send(net.a, fromA("10.0.0.2").udp(1, i, 0).build());
        assertEquals(2, net.engine.traces().size());
        net.engine.traceClear();
        net.engine.traceAdd(1, TraceFilter.any());
        net.send(net.a, fromA("10.0.0.2").udp(1, 99, 0).build());
        List<PacketTrace> traces = net.engine.traces();
        assertEquals(1, traces.size());
        assertTrue(traces.getFirst().summary().contains("-> 99"));
    }

    @Test
    void icmpErrorsAppearInTheTraceOfThePacketThatCausedThem() {
        net.engine.traceAdd(1, TraceFilter.any());
        net.send(net.a, fromA("10.99.0.1").udp(1, 2, 0).build());
        PacketTrace t = net.engine.traces().getFirst();
        assertTrue(t.has("ip4-lookup", "no route"), t.toString());
        assertTrue(t.has("icmp-error", "no-route: original dropped, sent destination-unreachable"), t.toString());
        assertTrue(t.has("interface-output", "tx pod-a"), t.toString());
    }
}
