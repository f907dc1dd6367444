package dev.booster.engine.fib;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Random add/remove sequences over overlapping IPv6 prefixes: the hash tables must answer as the linear scan does. */
class Ip6FibPropertyTest {

    record Address(long high, long low) {
        Address plus(long delta) {
            long low2 = low + delta;
            long carry = delta >= 0
                    ? (Long.compareUnsigned(low2, low) < 0 ? 1 : 0)
                    : (Long.compareUnsigned(low2, low) > 0 ? -1 : 0);
            return new Address(high + carry, low2);
        }
    }

    record Prefix(long high, long low, int length) {
        Address first() {
            return new Address(high, low);
        }

        Address last() {
            return new Address(high | ~Ip6PrefixTable.maskHigh(length), low | ~Ip6PrefixTable.maskLow(length));
        }
    }

    record Op(boolean add, int poolIndex, int adjacency) {
    }

    @Property(tries = 400)
    void matchesLinearScanAfterEveryChange(@ForAll("pools") List<Prefix> pool, @ForAll("ops") List<Op> ops,
                                           @ForAll("addresses") List<Address> extraProbes) {
        Ip6Fib fib = new Ip6Fib();
        LinearRoutes reference = LinearRoutes.ip6();
        List<Address> probes = new ArrayList<>(extraProbes);
        for (Prefix p : pool) {
            probes.add(p.first());
            probes.add(p.last());
            probes.add(p.first().plus(-1));
            probes.add(p.last().plus(1));
        }
        for (Op op : ops) {
            Prefix p = pool.get(op.poolIndex() % pool.size());
            if (op.add()) {
                fib.add(p.high(), p.low(), p.length(), op.adjacency());
                reference.add(p.high(), p.low(), p.length(), op.adjacency());
            } else {
                assertEquals(reference.remove(p.high(), p.low(), p.length()), fib.remove(p.high(), p.low(), p.length()),
                        () -> "remove " + p);
            }
            assertEquals(reference.size(), fib.size());
            for (Address a : probes) {
                assertEquals(reference.lookup(a.high(), a.low()), fib.lookup(a.high(), a.low()),
                        () -> "lookup " + a + " after " + op + " on " + p);
            }
        }
    }

    @Provide
    Arbitrary<List<Prefix>> pools() {
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 128),
                Arbitraries.of(0, 1, 48, 56, 63, 64, 65, 96, 127, 128));
        return Combinators.combine(clusteredAddresses(), length)
                .as((a, len) -> new Prefix(a.high() & Ip6PrefixTable.maskHigh(len), a.low() & Ip6PrefixTable.maskLow(len),
                        len))
                .list().ofMinSize(1).ofMaxSize(16);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.integers().between(0, 2).map(kind -> kind < 2),
                        Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 3))
                .as(Op::new)
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Address>> addresses() {
        return clusteredAddresses().list().ofMaxSize(10);
    }

    /** Addresses bunched under a few /48s and /64s, so prefixes of many lengths overlap. */
    private static Arbitrary<Address> clusteredAddresses() {
        Arbitrary<Long> highBase = Arbitraries.of(0xFD00_0000_0000_0000L, 0x2001_0DB8_0000_0000L, 0L, -1L);
        Arbitrary<Long> highOffset = Arbitraries.oneOf(Arbitraries.longs().between(0, 3),
                Arbitraries.longs().between(0, 0xFFFF));
        Arbitrary<Long> low = Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFF), Arbitraries.longs(),
                Arbitraries.of(Long.MIN_VALUE, -1L));
        Arbitrary<Address> near = Combinators.combine(highBase, highOffset, low).as((b, o, l) -> new Address(b ^ o, l));
        Arbitrary<Address> anywhere = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(Address::new);
        return Arbitraries.frequencyOf(Tuple.of(9, near), Tuple.of(1, anywhere));
    }
}
