package dev.booster.engine;

import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

class PolicyTest {
    private static final int A = 0;
    private static final int B = 1;

    private TestNet net = new TestNet();

    @AfterEach
    void close() {
        assertEquals(0, net.buffers.outstanding());
        assertTrue(net.engine.totals().balanced());
        net.close();
    }

    private long hits(String policy, PolicyType direction) {
        return net.engine.policyHits().stream().filter(h -> h.policy().equals(policy) && h.direction() == direction)
                .mapToLong(PolicyHitCounter::packets).sum();
    }

    private boolean forwarded(dev.booster.engine.testing.TestPort from, dev.booster.engine.testing.TestPort to, byte[] frame) {
        net.send(from, frame);
        return to.drain().size() == 1;
    }

    @Test
    void ingressDenyOnOnePort() {
        net.engine.publishPolicy(new TestPolicy(1).deny(B, PolicyType.INGRESS, 80));
        assertFalse(forwarded(net.a, net.b, fromA("10.0.0.2").tcp(40000, 80, 0x02).build()));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").tcp(40000, 81, 0x02).build()));
        assertEquals(1, net.engine.drops(DropReason.POLICY_DENY));
        assertEquals(1, hits("test/deny-80", PolicyType.INGRESS));
        assertEquals(1, net.engine.flows(), "the denied packet made no flow");
    }

    @Test
    void repliesOfAnAllowedFlowPassWhileNewFlowsTheOtherWayAreDenied() {
        net.engine.publishPolicy(new TestPolicy(1).deny(A, PolicyType.INGRESS, -1));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").tcp(40000, 81, 0x02).build()));
        assertTrue(forwarded(net.b, net.a, fromB("10.0.0.1").tcp(81, 40000, 0x12).build()), "reply allowed by conntrack");
        assertFalse(forwarded(net.b, net.a, fromB("10.0.0.1").tcp(81, 22, 0x02).build()), "a new flow to A is denied");
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").icmp(8, 0, 99, 8).build()));
        assertTrue(forwarded(net.b, net.a, fromB("10.0.0.1").icmp(0, 0, 99, 8).build()), "echo reply matches by identifier");
    }

    @Test
    void podToPodPassesEgressThenIngressButOutsideTrafficOnlyIngress() {
        net.engine.publishPolicy(new TestPolicy(1).deny(A, PolicyType.EGRESS, -1));
        assertFalse(forwarded(net.a, net.b, fromA("10.0.0.2").udp(1, 2, 0).build()), "A's egress denies");
        assertEquals(0, hits("", PolicyType.INGRESS), "denied at egress: B's ingress never consulted");

        byte[] inbound = FrameBuilder.ip("192.168.1.1", "10.0.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(5000, 6000, 0).build();
        assertTrue(forwarded(net.uplink, net.a, inbound), "from outside only A's ingress applies");
        assertEquals(1, hits("", PolicyType.INGRESS));
        assertTrue(forwarded(net.a, net.uplink, fromA("192.168.1.1").udp(6000, 5000, 0).build()), "the reply passes A's egress deny");

        assertTrue(forwarded(net.b, net.uplink, fromB("192.168.1.1").udp(1, 2, 0).build()));
        assertEquals(1, hits("", PolicyType.EGRESS), "to outside only B's egress applies");
        assertEquals(1, hits("", PolicyType.INGRESS));
    }

    @Test
    void aNewPolicyGenerationReclassifiesExistingFlows() {
        net.engine.publishPolicy(new TestPolicy(1));
        byte[] request = fromA("10.0.0.2").tcp(40000, 81, 0x10).build();
        byte[] reply = fromB("10.0.0.1").tcp(81, 40000, 0x10).build();
        assertTrue(forwarded(net.a, net.b, request));
        assertTrue(forwarded(net.b, net.a, reply));

        net.engine.publishPolicy(new TestPolicy(2).deny(B, PolicyType.INGRESS, 81));
        assertFalse(forwarded(net.a, net.b, request), "the existing flow is classified again and denied");
        assertFalse(forwarded(net.b, net.a, reply), "replies of a now-denied flow are dropped too");
        assertEquals(2, net.engine.drops(DropReason.POLICY_DENY));

        net.engine.publishPolicy(new TestPolicy(3));
        assertTrue(forwarded(net.a, net.b, request), "allowed again under generation 3");
        assertTrue(forwarded(net.b, net.a, reply));
    }

    @Test
    void repliesOfAStillAllowedFlowPassAcrossGenerationsAndTheForwardDirectionIsClassifiedOnce() {
        net.engine.publishPolicy(new TestPolicy(1));
        byte[] request = fromA("10.0.0.2").udp(40000, 53, 0).build();
        byte[] reply = fromB("10.0.0.1").udp(53, 40000, 0).build();
        assertTrue(forwarded(net.a, net.b, request));
        long classified = hits("", PolicyType.INGRESS);
        assertTrue(forwarded(net.a, net.b, request));
        assertEquals(classified, hits("", PolicyType.INGRESS), "established: not classified");

        net.engine.publishPolicy(new TestPolicy(2).deny(A, PolicyType.INGRESS, -1));
        assertTrue(forwarded(net.b, net.a, reply), "reply under the new generation still passes");
        assertTrue(forwarded(net.a, net.b, request));
        assertEquals(classified + 1, hits("", PolicyType.INGRESS), "classified again once");
        assertTrue(forwarded(net.a, net.b, request));
        assertEquals(classified + 1, hits("", PolicyType.INGRESS), "then established under generation 2");
        assertTrue(forwarded(net.b, net.a, reply));
    }

    @Test
    void aReplyUnderANewGenerationIsJudgedAsItsFlowsForwardDirection() {
        net.engine.publishPolicy(new TestPolicy(1));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").tcp(40000, 80, 0x02).build()));

        net.engine.publishPolicy(new TestPolicy(2).deny(B, PolicyType.INGRESS, 80));
        net.engine.traceAdd(1, dev.booster.engine.trace.TraceFilter.any());
        assertFalse(forwarded(net.b, net.a, fromB("10.0.0.1").tcp(80, 40000, 0x12).build()),
                "B's reply comes first after the change, but the flow it answers (A to B:80) is now denied");
        assertTrue(net.engine.traces().getLast().has("policy-ingress", "deny"), net.engine.traces().toString());
        assertFalse(forwarded(net.a, net.b, fromA("10.0.0.2").tcp(40000, 80, 0x10).build()), "and the flow stays denied");
        assertEquals(2, net.engine.drops(DropReason.POLICY_DENY));
    }

    @Test
    void packetsOfOneNewFlowInOneVectorMakeOneFlow() {
        byte[] f = fromA("10.0.0.2").udp(1, 2, 0).build();
        byte[] reply = fromB("10.0.0.1").udp(2, 1, 0).build();
        net.a.inject(f, f, f, f, f);
        net.b.inject(reply, reply);
        assertEquals(7, net.engine.pollOnce(), "one vector");
        assertEquals(1, net.engine.flows());
        assertEquals(5, net.b.drain().size());
        assertEquals(2, net.a.drain().size());
    }

    @Test
    void aFullConntrackTableDropsNewFlows() {
        net.close();
        net = new TestNet(EngineConfig.builder().conntrackCapacity(2));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").udp(1, 2, 0).build()));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").udp(1, 3, 0).build()));
        assertFalse(forwarded(net.a, net.b, fromA("10.0.0.2").udp(1, 4, 0).build()));
        assertEquals(1, net.engine.drops(DropReason.CONNTRACK_FULL));
        assertTrue(forwarded(net.a, net.b, fromA("10.0.0.2").udp(1, 2, 0).build()), "known flows still pass");
    }

    @Test
    void trafficNotInvolvingALocalPodSkipsPolicyAndConntrack() {
        net.engine.publishPolicy(new TestPolicy(1).deny(A, PolicyType.INGRESS, -1));
        net.engine.addRoute(dev.booster.api.net.IpPrefix.parse("172.16.0.0/12"), net.ifUplink, NEXT_HOP);
        assertTrue(forwarded(net.uplink, net.uplink, FrameBuilder.ip("192.168.1.1", "172.16.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(1, 2, 0).build()));
        assertEquals(0, net.engine.flows());
    }
}
