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

/** Random add/remove sequences over overlapping prefixes: the trie must answer as the linear scan does. */
class Ip4FibPropertyTest {

    record Prefix(int prefix, int length) {
    }

    record Op(boolean add, int poolIndex, int adjacency) {
    }

    @Property(tries = 400)
    void matchesLinearScanAfterEveryChange(@ForAll("pools") List<Prefix> pool, @ForAll("ops") List<Op> ops,
                                           @ForAll("addresses") List<Integer> extraProbes) {
        Ip4Fib fib = new Ip4Fib();
        LinearRoutes reference = LinearRoutes.ip4();
        List<Integer> probes = probesAround(pool, extraProbes);
        for (Op op : ops) {
            Prefix p = pool.get(op.poolIndex() % pool.size());
            if (op.add()) {
                fib.add(p.prefix(), p.length(), op.adjacency());
                reference.add(0, p.prefix() & 0xFFFF_FFFFL, p.length(), op.adjacency());
            } else {
                assertEquals(reference.remove(0, p.prefix() & 0xFFFF_FFFFL, p.length()), fib.remove(p.prefix(), p.length()),
                        () -> "remove " + p);
            }
            assertEquals(reference.size(), fib.size());
            for (int address : probes) {
                assertEquals(reference.lookup(0, address & 0xFFFF_FFFFL), fib.lookup(address),
                        () -> "lookup " + Integer.toHexString(address) + " after " + op + " on " + p);
            }
        }
    }

    /** The first, last and neighbouring addresses of every prefix: where a wrong boundary shows. */
    private static List<Integer> probesAround(List<Prefix> pool, List<Integer> extra) {
        List<Integer> probes = new ArrayList<>(extra);
        for (Prefix p : pool) {
            int last = p.prefix() | ~Ip4Fib.mask(p.length());
            probes.add(p.prefix());
            probes.add(last);
            probes.add(p.prefix() - 1);
            probes.add(last + 1);
            probes.add(p.prefix() + ((last - p.prefix()) >>> 1));
        }
        return probes;
    }

    @Provide
    Arbitrary<List<Prefix>> pools() {
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 32),
                Arbitraries.of(0, 8, 15, 16, 17, 23, 24, 25, 31, 32));
        return Combinators.combine(clusteredAddresses(), length)
                .as((address, len) -> new Prefix(address & Ip4Fib.mask(len), len))
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
    Arbitrary<List<Integer>> addresses() {
        return clusteredAddresses().list().ofMaxSize(10);
    }

    /** Addresses bunched around a few bases, so prefixes overlap and share plies. */
    private static Arbitrary<Integer> clusteredAddresses() {
        Arbitrary<Integer> base = Arbitraries.of(0x0A00_0000, 0x0A01_0200, 0xC0A8_0100, 0xFFFF_FF00, 0);
        Arbitrary<Integer> offset = Arbitraries.oneOf(Arbitraries.integers().between(0, 0xFF),
                Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 0xF_FFFF));
        Arbitrary<Integer> near = Combinators.combine(base, offset).as((b, o) -> b + o);
        return Arbitraries.frequencyOf(Tuple.of(9, near), Tuple.of(1, Arbitraries.integers()));
    }
}
