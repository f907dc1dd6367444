package dev.booster.engine.conntrack;

import org.junit.jupiter.api.Test;

import static dev.booster.engine.conntrack.Conntrack.FULL;
import static dev.booster.engine.conntrack.Conntrack.NONE;
import static dev.booster.engine.conntrack.Conntrack.PROTOCOL_ICMP;
import static dev.booster.engine.conntrack.Conntrack.PROTOCOL_ICMPV6;
import static dev.booster.engine.conntrack.Conntrack.PROTOCOL_TCP;
import static dev.booster.engine.conntrack.Conntrack.PROTOCOL_UDP;
import static dev.booster.engine.conntrack.Conntrack.TCP_ACK;
import static dev.booster.engine.conntrack.Conntrack.TCP_FIN;
import static dev.booster.engine.conntrack.Conntrack.TCP_RST;
import static dev.booster.engine.conntrack.Conntrack.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConntrackTest {
    private static final long ESTABLISHED = 1_000;
    private static final long TRANSITORY = 100;
    private static final long UDP = 30;
    private static final long ICMP = 20;
    private static final long OTHER = 50;
    private static final int GRE = 47;

    private static final long CLIENT = 0x0A00_0001L; // 10.0.0.1
    private static final long SERVER = 0x0A00_0002L; // 10.0.0.2
    private static final long V6_HIGH = 0xFD00_0000_0000_0000L;

    private final Conntrack table = new Conntrack(16, new Timeouts(ESTABLISHED, TRANSITORY, UDP, ICMP, OTHER));

    private int createTcp(long now) {
        return table.create(0, CLIENT, 0, SERVER, PROTOCOL_TCP, 40000, 80, now, 0);
    }

    private int forwardTcp(long now) {
        return table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_TCP, 40000, 80, now);
    }

    private int replyTcp(long now) {
        return table.lookup(0, SERVER, 0, CLIENT, PROTOCOL_TCP, 80, 40000, now);
    }

    @Test
    void aFlowMatchesBothDirectionsAndTellsThemApart() {
        int created = table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 5353, 53, 0, 42);
        assertTrue(created >= 0);
        assertFalse(Conntrack.isReply(created));

        int forward = table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 5353, 53, 1);
        int reply = table.lookup(0, SERVER, 0, CLIENT, PROTOCOL_UDP, 53, 5353, 1);
        assertEquals(created, forward);
        assertTrue(Conntrack.isReply(reply));
        assertEquals(42, table.tag(reply));
        assertEquals(1, table.size());
    }

    @Test
    void portsProtocolAndHalfReversedKeysDoNotMatch() {
        table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 5353, 53, 0, 0);
        assertEquals(NONE, table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_TCP, 5353, 53, 1));
        assertEquals(NONE, table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 5354, 53, 1));
        assertEquals(NONE, table.lookup(0, SERVER, 0, CLIENT, PROTOCOL_UDP, 5353, 53, 1), "addresses reversed, ports not");
        assertEquals(NONE, table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 53, 5353, 1), "ports reversed, addresses not");
    }

    @Test
    void ipv4AndIpv6FlowsWithTheSameLowBitsStayApart() {
        int v4 = table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 1, 2, 0, 4);
        assertEquals(NONE, table.lookup(V6_HIGH, CLIENT, V6_HIGH, SERVER, PROTOCOL_UDP, 1, 2, 1));
        int v6 = table.create(V6_HIGH, CLIENT, V6_HIGH, SERVER, PROTOCOL_UDP, 1, 2, 1, 6);
        assertNotEquals(v4 >>> 1, v6 >>> 1);
        assertEquals(4, table.tag(table.lookup(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 1, 2, 2)));
        assertEquals(6, table.tag(table.lookup(V6_HIGH, CLIENT, V6_HIGH, SERVER, PROTOCOL_UDP, 1, 2, 2)));
        assertEquals(2, table.size());
    }

    @Test
    void icmpEchoReplyMatchesByIdentifier() {
        int request = table.create(V6_HIGH, 1, V6_HIGH, 2, PROTOCOL_ICMPV6, 777, 777, 0, 9);
        int reply = table.lookup(V6_HIGH, 2, V6_HIGH, 1, PROTOCOL_ICMPV6, 777, 777, 1);
        assertEquals(request >>> 1, reply >>> 1);
        assertTrue(Conntrack.isReply(reply));
        assertEquals(NONE, table.lookup(V6_HIGH, 2, V6_HIGH, 1, PROTOCOL_ICMPV6, 778, 778, 1), "another identifier");
    }

    @Test
    void aFlowToItselfIsFoundAsOriginal() {
        int created = table.create(0, CLIENT, 0, CLIENT, PROTOCOL_ICMP, 5, 5, 0, 1);
        assertEquals(created, table.lookup(0, CLIENT, 0, CLIENT, PROTOCOL_ICMP, 5, 5, 1));
        assertEquals(1, table.expire(ICMP, Integer.MAX_VALUE));
        assertEquals(0, table.size());
    }

    @Test
    void createReturnsTheLiveFlowAlreadyMatchingInEitherDirection() {
        int created = table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 1, 2, 0, 5);
        assertEquals(created, table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 1, 2, 1, 6));
        int fromReply = table.create(0, SERVER, 0, CLIENT, PROTOCOL_UDP, 2, 1, 1, 7);
        assertEquals(created >>> 1, fromReply >>> 1);
        assertTrue(Conntrack.isReply(fromReply));
        assertEquals(5, table.tag(created), "create of an existing flow leaves its tag alone");
        assertEquals(1, table.size());
    }

    @Test
    void eachProtocolHasItsTimeoutCountedFromTheLastTouch() {
        int udp = table.create(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, 0, 0);
        int icmp = table.create(0, 1, 0, 2, PROTOCOL_ICMP, 1, 1, 0, 0);
        int gre = table.create(0, 1, 0, 2, GRE, 0, 0, 0, 0);
        int tcp = table.create(0, 1, 0, 2, PROTOCOL_TCP, 1, 1, 0, 0);

        assertEquals(icmp, table.lookup(0, 1, 0, 2, PROTOCOL_ICMP, 1, 1, ICMP - 1));
        assertEquals(NONE, table.lookup(0, 1, 0, 2, PROTOCOL_ICMP, 1, 1, ICMP));
        assertEquals(udp, table.lookup(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, UDP - 1));
        table.touch(udp, UDP - 1, 0);
        assertEquals(udp, table.lookup(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, 2 * UDP - 2));
        assertEquals(NONE, table.lookup(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, 2 * UDP - 1));
        assertEquals(gre, table.lookup(0, 1, 0, 2, GRE, 0, 0, OTHER - 1));
        assertEquals(NONE, table.lookup(0, 1, 0, 2, GRE, 0, 0, OTHER));
        assertEquals(tcp, table.lookup(0, 1, 0, 2, PROTOCOL_TCP, 1, 1, TRANSITORY - 1), "TCP starts transitory");
        assertEquals(NONE, table.lookup(0, 1, 0, 2, PROTOCOL_TCP, 1, 1, TRANSITORY));
        assertEquals(0, table.size(), "expired flows met by lookups are freed");
    }

    @Test
    void tcpHandshakeMovesToTheEstablishedTimeout() {
        int handle = createTcp(0);
        table.touch(handle, 0, TCP_SYN);
        assertEquals(TcpState.SYN_SENT, table.tcpState(handle));
        int reply = replyTcp(10);
        table.touch(reply, 10, TCP_SYN | TCP_ACK);
        assertEquals(TcpState.SYN_RECEIVED, table.tcpState(handle));
        table.touch(forwardTcp(20), 20, TCP_ACK);
        assertEquals(TcpState.ESTABLISHED, table.tcpState(handle));

        assertEquals(handle, forwardTcp(20 + ESTABLISHED - 1));
        assertEquals(NONE, forwardTcp(20 + ESTABLISHED));
    }

    @Test
    void tcpHandshakeNotCompletedKeepsTheTransitoryTimeout() {
        int handle = createTcp(0);
        table.touch(handle, 0, TCP_SYN);
        table.touch(replyTcp(5), 5, TCP_SYN | TCP_ACK);
        assertEquals(NONE, forwardTcp(5 + TRANSITORY));
    }

    @Test
    void finOrRstFallsBackToTheTransitoryTimeout() {
        int handle = createTcp(0);
        table.touch(handle, 0, TCP_ACK);
        assertEquals(TcpState.ESTABLISHED, table.tcpState(handle), "picked up mid-stream");
        table.touch(handle, 10, TCP_FIN | TCP_ACK);
        assertEquals(TcpState.CLOSING, table.tcpState(handle));
        table.touch(handle, 20, TCP_ACK);
        assertEquals(TcpState.CLOSING, table.tcpState(handle), "an ACK does not reopen a closing flow");
        assertEquals(NONE, forwardTcp(20 + TRANSITORY));

        int other = createTcp(500);
        table.touch(other, 500, TCP_ACK);
        table.touch(other, 510, TCP_RST);
        assertEquals(TcpState.CLOSED, table.tcpState(other));
        assertEquals(other, forwardTcp(510 + TRANSITORY - 1));
        assertEquals(NONE, forwardTcp(510 + TRANSITORY));
    }

    @Test
    void aSynReopensAClosedFourTuple() {
        int handle = createTcp(0);
        table.touch(handle, 0, TCP_RST);
        table.touch(handle, 1, TCP_SYN);
        assertEquals(TcpState.SYN_SENT, table.tcpState(handle));
    }

    @Test
    void aFullTableRefusesNewFlowsUntilOneExpires() {
        Conntrack small = new Conntrack(2, new Timeouts(ESTABLISHED, TRANSITORY, UDP, ICMP, OTHER));
        assertTrue(small.create(0, 1, 0, 9, PROTOCOL_UDP, 1, 1, 0, 0) >= 0);
        int second = small.create(0, 2, 0, 9, PROTOCOL_ICMP, 1, 1, 5, 0);
        assertTrue(second >= 0);
        assertEquals(FULL, small.create(0, 3, 0, 9, PROTOCOL_UDP, 1, 1, 6, 0));
        assertEquals(FULL, small.create(0, 3, 0, 9, PROTOCOL_UDP, 1, 1, 7, 0));
        assertEquals(2, small.fullDrops());
        assertEquals(2, small.size());

        // The ICMP flow, created last, expires first (at 5 + 20): its entry is taken over.
        int third = small.create(0, 3, 0, 9, PROTOCOL_UDP, 1, 1, 5 + ICMP, 0);
        assertEquals(second >>> 1, third >>> 1);
        assertEquals(NONE, small.lookup(0, 2, 0, 9, PROTOCOL_ICMP, 1, 1, 5 + ICMP));
        assertTrue(small.lookup(0, 1, 0, 9, PROTOCOL_UDP, 1, 1, 5 + ICMP) >= 0);
        assertEquals(2, small.fullDrops());
    }

    @Test
    void expireFreesExpiredFlowsWithinTheBudget() {
        for (int i = 0; i < 10; i++) {
            table.create(0, i, 0, 100, PROTOCOL_UDP, 1, 1, i, 0);
        }
        table.create(0, 50, 0, 100, PROTOCOL_TCP, 1, 1, 0, 0);
        assertEquals(0, table.expire(UDP - 1, 100));
        assertEquals(3, table.expire(UDP + 5, 3), "six are due, the budget allows three");
        assertEquals(3, table.expire(UDP + 5, 100));
        assertEquals(5, table.size());
        assertTrue(table.lookup(0, 6, 0, 100, PROTOCOL_UDP, 1, 1, UDP + 5) >= 0);
        assertEquals(NONE, table.lookup(0, 5, 0, 100, PROTOCOL_UDP, 1, 1, UDP + 5));
        assertEquals(5, table.expire(TRANSITORY, 100));
        assertEquals(0, table.size());
    }

    @Test
    void clearForgetsEveryFlowButKeepsTheDropCounter() {
        Conntrack small = new Conntrack(1, new Timeouts(ESTABLISHED, TRANSITORY, UDP, ICMP, OTHER));
        small.create(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, 0, 0);
        assertEquals(FULL, small.create(0, 3, 0, 4, PROTOCOL_UDP, 1, 1, 0, 0));
        small.clear();
        assertEquals(0, small.size());
        assertEquals(NONE, small.lookup(0, 1, 0, 2, PROTOCOL_UDP, 1, 1, 1));
        assertTrue(small.create(0, 3, 0, 4, PROTOCOL_UDP, 1, 1, 1, 0) >= 0);
        assertEquals(1, small.fullDrops());
    }

    @Test
    void setTagChangesWhatBothDirectionsSee() {
        int handle = table.create(0, CLIENT, 0, SERVER, PROTOCOL_UDP, 1, 2, 0, 1);
        table.setTag(table.lookup(0, SERVER, 0, CLIENT, PROTOCOL_UDP, 2, 1, 1), 99);
        assertEquals(99, table.tag(handle));
    }

    @Test
    void manyFlowsSurviveChurnAroundThem() {
        Conntrack big = new Conntrack(4_096, new Timeouts(ESTABLISHED, TRANSITORY, UDP, ICMP, OTHER));
        for (int i = 0; i < 4_096; i++) {
            assertTrue(big.create(0, i, 0, 7, PROTOCOL_UDP, i & 0xFFFF, 53, 0, i) >= 0);
        }
        assertEquals(FULL, big.create(0, 99_999, 0, 7, PROTOCOL_UDP, 1, 53, 0, 0));
        for (int i = 0; i < 4_096; i += 2) {
            big.touch(big.lookup(0, i, 0, 7, PROTOCOL_UDP, i & 0xFFFF, 53, UDP - 1), UDP - 1, 0);
        }
        assertEquals(2_048, big.expire(UDP, Integer.MAX_VALUE));
        for (int i = 0; i < 4_096; i++) {
            int reply = big.lookup(0, 7, 0, i, PROTOCOL_UDP, 53, i & 0xFFFF, UDP);
            if (i % 2 == 0) {
                assertTrue(Conntrack.isReply(reply));
                assertEquals(i, big.tag(reply));
            } else {
                assertEquals(NONE, reply);
            }
        }
    }

    @Test
    void rejectsBadConfigurationNamingTheField() {
        var capacity = assertThrows(IllegalArgumentException.class, () -> new Conntrack(0, Timeouts.defaults()));
        assertTrue(capacity.getMessage().contains("capacity 0"), capacity.getMessage());
        var timeout = assertThrows(IllegalArgumentException.class, () -> new Timeouts(1, 1, 0, 1, 1));
        assertTrue(timeout.getMessage().contains("udpNanos"), timeout.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conntrack(1, null));
    }

    @Test
    void defaultsFollowLinuxExceptForAShorterEstablishedTimeout() {
        Timeouts defaults = Timeouts.defaults();
        assertEquals(3_600_000_000_000L, defaults.tcpEstablishedNanos());
        assertEquals(120_000_000_000L, defaults.tcpTransitoryNanos());
        assertEquals(30_000_000_000L, defaults.udpNanos());
    }
}
