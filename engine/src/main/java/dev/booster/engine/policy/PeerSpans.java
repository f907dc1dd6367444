package dev.booster.engine.policy;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;

import java.util.List;

/** The peer addresses a rule matches, per family, as sorted disjoint spans (compile time only). */
record PeerSpans(List<Span> ip4, List<Span> ip6) {
    static final PeerSpans ANY = new PeerSpans(List.of(new Span(Point.ZERO, Point.MAX_32)), List.of(new Span(Point.ZERO, Point.MAX_128)));

    PeerSpans {
        ip4 = List.copyOf(ip4);
        ip6 = List.copyOf(ip6);
    }

    boolean contains(IpAddress address) {
        return Span.contains(address.family() == IpFamily.IPV4 ? ip4 : ip6, Point.of(address));
    }
}
