package dev.booster.ike;

import dev.booster.api.net.IpAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficSelectorTest {

    @Test
    void aCidrCoversItsRangeOnEveryProtocolAndPort() {
        TrafficSelector pods = TrafficSelector.of("10.2.0.0/16");
        assertEquals(IpAddress.parse("10.2.0.0"), pods.start());
        assertEquals(IpAddress.parse("10.2.255.255"), pods.end());
        assertEquals(0, pods.ipProtocol());
        assertEquals(0xffff, pods.endPort());
        assertTrue(TrafficSelector.of("10.0.0.0/8").contains(pods));
        assertFalse(pods.contains(TrafficSelector.of("10.0.0.0/8")));
        assertEquals(Optional.of(pods), TrafficSelector.of("10.0.0.0/8").intersect(pods));
        assertEquals(Optional.empty(), pods.intersect(TrafficSelector.of("fd00::/64")));
        assertEquals(IpAddress.parse("fd00::ffff:ffff:ffff:ffff"), TrafficSelector.of("fd00::/64").end());
    }

    @Test
    void invalidSelectorsNameTheProblem() {
        IpAddress a = IpAddress.parse("10.0.0.2");
        IpAddress b = IpAddress.parse("10.0.0.1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrafficSelector(a, b, 0, 0, 0xffff)).getMessage().contains("above its end"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrafficSelector(b, IpAddress.parse("fd00::1"), 0, 0, 1)).getMessage().contains("families"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrafficSelector(b, a, 0, 9, 8)).getMessage().contains("ports"));
    }

    @Provide
    Arbitrary<TrafficSelector> selectors() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                Arbitraries.of(0, 6, 17), Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(0, 0xffff))
                .as((x, y, protocol, p, q) -> new TrafficSelector(IpAddress.parse("10.0.0." + Math.min(x, y)), IpAddress.parse("10.0.0." + Math.max(x, y)),
                        protocol, Math.min(p, q), Math.max(p, q)));
    }

    /** Narrowing is an intersection: symmetric, inside both, and a selector that contains another intersects to it. */
    @Property(tries = 300)
    void intersectionIsSymmetricAndInsideBoth(@ForAll("selectors") TrafficSelector x, @ForAll("selectors") TrafficSelector y) {
        Optional<TrafficSelector> both = x.intersect(y);
        assertEquals(both, y.intersect(x));
        both.ifPresent(i -> {
            assertTrue(x.contains(i), x + " contains " + i);
            assertTrue(y.contains(i), y + " contains " + i);
        });
        if (x.contains(y)) assertEquals(Optional.of(y), both);
    }
}
