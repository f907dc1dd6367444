package dev.booster.engine.conntrack;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random operation sequences with a fake clock against a HashMap of flows: same matches, directions, tags, expiry,
 * FULL refusals and sizes. The table is small and the keys few, so flows collide, fill the table and come back.
 */
class ConntrackPropertyTest {
    private static final int CAPACITY = 4;
    private static final Timeouts TIMEOUTS = new Timeouts(400, 60, 100, 40, 160);

    record Key(long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int srcPort, int dstPort) {
        Key reversed() {
            return new Key(dstHigh, dstLow, srcHigh, srcLow, protocol, dstPort, srcPort);
        }
    }

    /** IPv4 and IPv6 keys sharing low bits, every timeout class, an ICMP echo, and a flow to itself. */
    private static final List<Key> KEYS = List.of(
            new Key(0, 1, 0, 2, 6, 1000, 80),
            new Key(0, 1, 0, 2, 6, 1001, 80),
            new Key(0xFD00L << 48, 1, 0xFD00L << 48, 2, 6, 1000, 80),
            new Key(0, 1, 0, 2, 17, 1000, 53),
            new Key(0, 3, 0, 2, 17, 1000, 53),
            new Key(0, 1, 0, 2, 1, 7, 7),
            new Key(0xFD00L << 48, 5, 0xFD00L << 48, 5, 58, 9, 9),
            new Key(0, 1, 0, 4, 47, 0, 0));

    sealed interface Op {
    }

    record Lookup(int key, boolean reversed, int tcpFlags, boolean touch, int newTag) implements Op {
    }

    record Create(int key, boolean reversed, int tag) implements Op {
    }

    record Expire(int budget) implements Op {
    }

    record Clear() implements Op {
    }

    record Step(int elapsed, Op op) {
    }

    /** The reference: flows by original key, each with the engine's handle, tag, TCP state and last-seen time. */
    static final class ModelFlow {
        final Key key;
        final int flow;
        int tag;
        int tcpState = TcpState.NONE;
        long lastSeen;

        ModelFlow(Key key, int flow, int tag, long now) {
            this.key = key;
            this.flow = flow;
            this.tag = tag;
            this.lastSeen = now;
        }

        long timeout() {
            return switch (key.protocol()) {
                case 6 -> tcpState == TcpState.ESTABLISHED ? TIMEOUTS.tcpEstablishedNanos() : TIMEOUTS.tcpTransitoryNanos();
                case 17 -> TIMEOUTS.udpNanos();
                case 1, 58 -> TIMEOUTS.icmpNanos();
                default -> TIMEOUTS.otherNanos();
            };
        }

        boolean expiredAt(long now) {
            return now - lastSeen >= timeout();
        }
    }

    /** What the spec says each flag set does, written as a table of cases rather than TcpState's branches. */
    static int referenceTcpTransition(int state, int flags) {
        boolean syn = (flags & 0x02) != 0;
        boolean ack = (flags & 0x10) != 0;
        boolean fin = (flags & 0x01) != 0;
        boolean rst = (flags & 0x04) != 0;
        if (rst) return TcpState.CLOSED;
        if (fin) return state == TcpState.CLOSED ? TcpState.CLOSED : TcpState.CLOSING;
        if (syn && ack) return switch (state) {
            case TcpState.NONE, TcpState.SYN_SENT -> TcpState.SYN_RECEIVED;
            default -> state;
        };
        if (syn) return switch (state) {
            case TcpState.NONE, TcpState.CLOSING, TcpState.CLOSED -> TcpState.SYN_SENT;
            default -> state;
        };
        if (ack) return switch (state) {
            case TcpState.NONE, TcpState.SYN_RECEIVED -> TcpState.ESTABLISHED;
            default -> state;
        };
        return state;
    }

    @Property(tries = 500)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void behavesLikeAMapOfFlows(@ForAll("steps") List<Step> steps) {
        Conntrack table = new Conntrack(CAPACITY, TIMEOUTS);
        Map<Key, ModelFlow> model = new HashMap<>();
        long fullDrops = 0;
        long now = 1_000;
        for (Step step : steps) {
            now += step.elapsed();
            long at = now;
            switch (step.op()) {
                case Lookup l -> {
                    Key key = key(l.key(), l.reversed());
                    ModelFlow expected = liveMatch(model, key, now);
                    int handle = table.lookup(key.srcHigh(), key.srcLow(), key.dstHigh(), key.dstLow(), key.protocol(),
                            key.srcPort(), key.dstPort(), now);
                    if (expected == null) {
                        assertEquals(Conntrack.NONE, handle, () -> "lookup " + key + " at " + at);
                        Statistics.label("lookup").collect("none");
                        break;
                    }
                    Statistics.label("lookup").collect(Conntrack.isReply(handle) ? "reply" : "original");
                    assertEquals(expected.flow, handle >>> 1, () -> "lookup " + key + " at " + at);
                    assertEquals(!expected.key.equals(key), Conntrack.isReply(handle), () -> "direction of " + key);
                    assertEquals(expected.tag, table.tag(handle));
                    if (l.touch()) {
                        table.touch(handle, now, l.tcpFlags());
                        expected.lastSeen = now;
                        if (key.protocol() == 6) {
                            expected.tcpState = referenceTcpTransition(expected.tcpState, l.tcpFlags());
                            Statistics.label("tcp state").collect(expected.tcpState);
                        }
                    } else {
                        table.setTag(handle, l.newTag());
                        expected.tag = l.newTag();
                    }
                }
                case Create c -> {
                    Key key = key(c.key(), c.reversed());
                    ModelFlow existing = liveMatch(model, key, now);
                    int handle = table.create(key.srcHigh(), key.srcLow(), key.dstHigh(), key.dstLow(), key.protocol(),
                            key.srcPort(), key.dstPort(), now, c.tag());
                    if (existing != null) {
                        assertEquals(existing.flow, handle >>> 1, () -> "create of live " + key);
                        assertEquals(!existing.key.equals(key), Conntrack.isReply(handle));
                        Statistics.label("create").collect("existing");
                    } else if (liveCount(model, now) == CAPACITY) {
                        assertEquals(Conntrack.FULL, handle, () -> "create " + key + " in a full table at " + at);
                        fullDrops++;
                        Statistics.label("create").collect("full");
                    } else {
                        assertTrue(handle >= 0, () -> "create " + key + " at " + at + " gave " + handle);
                        assertFalse(Conntrack.isReply(handle));
                        for (ModelFlow other : model.values()) {
                            if (!other.expiredAt(now)) {
                                assertNotEquals(other.flow, handle >>> 1, "a new flow took a live flow's entry");
                            }
                        }
                        model.values().removeIf(f -> f.flow == handle >>> 1);
                        model.put(key, new ModelFlow(key, handle >>> 1, c.tag(), now));
                        Statistics.label("create").collect("new");
                    }
                }
                case Expire e -> {
                    int freed = table.expire(now, e.budget());
                    assertTrue(freed >= 0 && freed <= e.budget());
                    if (e.budget() == Integer.MAX_VALUE) {
                        assertEquals(liveCount(model, now), table.size(), "size after a full sweep");
                    }
                }
                case Clear ignored -> {
                    table.clear();
                    model.clear();
                }
            }
            long expiring = model.values().stream().filter(f -> f.expiredAt(at)).count();
            if (expiring > 0) {
                Statistics.label("expiry").collect("expired");
            }
            model.values().removeIf(f -> f.expiredAt(at));
            assertTrue(table.size() >= model.size() && table.size() <= CAPACITY, "size " + table.size());
            assertEquals(fullDrops, table.fullDrops());
        }
        checkCoverage();
    }

    /** Fails the property when its generator stops reaching the cases it exists for. */
    private static void checkCoverage() {
        Statistics.label("lookup").coverage(c -> {
            c.check("reply").count(n -> n > 200);
            c.check("original").count(n -> n > 200);
            c.check("none").count(n -> n > 200);
        });
        Statistics.label("create").coverage(c -> {
            c.check("full").count(n -> n > 50);
            c.check("existing").count(n -> n > 200);
            c.check("new").count(n -> n > 200);
        });
        Statistics.label("tcp state").coverage(c -> {
            c.check(TcpState.ESTABLISHED).count(n -> n > 50);
            c.check(TcpState.SYN_RECEIVED).count(n -> n > 10);
            c.check(TcpState.CLOSING).count(n -> n > 10);
        });
        Statistics.label("expiry").coverage(c -> c.check("expired").count(n -> n > 200));
    }

    private static ModelFlow liveMatch(Map<Key, ModelFlow> model, Key key, long now) {
        ModelFlow flow = model.get(key);
        if (flow == null) {
            flow = model.get(key.reversed());
        }
        return flow == null || flow.expiredAt(now) ? null : flow;
    }

    private static long liveCount(Map<Key, ModelFlow> model, long now) {
        return model.values().stream().filter(f -> !f.expiredAt(now)).count();
    }

    private static Key key(int index, boolean reversed) {
        Key key = KEYS.get(index);
        return reversed ? key.reversed() : key;
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> keyIndex = Arbitraries.integers().between(0, KEYS.size() - 1);
        Arbitrary<Boolean> reversed = Arbitraries.of(false, true);
        Arbitrary<Integer> tag = Arbitraries.integers().between(0, 9);
        Arbitrary<Integer> tcpFlags = Arbitraries.of(0, 0x02, 0x12, 0x10, 0x11, 0x04, 0x14, 0x18);
        Arbitrary<Op> lookup = Combinators.combine(keyIndex, reversed, tcpFlags, Arbitraries.of(true, true, false), tag)
                .as(Lookup::new);
        Arbitrary<Op> create = Combinators.combine(keyIndex, reversed, tag).as(Create::new);
        Arbitrary<Op> expire = Arbitraries.of(1, 2, Integer.MAX_VALUE).map(Expire::new);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(10, lookup),
                Tuple.of(8, create),
                Tuple.of(2, expire),
                Tuple.of(1, Arbitraries.just(new Clear())));
        Arbitrary<Integer> elapsed = Arbitraries.frequencyOf(
                Tuple.of(36, Arbitraries.integers().between(0, 3)),
                Tuple.of(3, Arbitraries.integers().between(0, 40)),
                Tuple.of(1, Arbitraries.integers().between(0, 250)));
        return Combinators.combine(elapsed, op).as(Step::new).list().ofMinSize(10).ofMaxSize(100);
    }
}
