package dev.booster.engine.policy;

import dev.booster.api.policy.Protocol;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The protocols and ports a rule entry matches (compile time only): every protocol and port, or per protocol a
 * sorted disjoint list of port spans ({@link Point#ofPort}).
 */
record PortMatch(boolean anyProtocol, Map<Protocol, List<Span>> byProtocol) {
    static final PortMatch ANY = new PortMatch(true, Map.of());
    static final Span ALL_PORTS = new Span(Point.ZERO, Point.MAX_32);

    PortMatch {
        Map<Protocol, List<Span>> copy = new EnumMap<>(Protocol.class);
        byProtocol.forEach((protocol, spans) -> copy.put(protocol, Span.union(spans)));
        byProtocol = copy;
    }

    /** The ports of {@code protocol} this entry matches. */
    List<Span> spans(Protocol protocol) {
        if (anyProtocol) return List.of(ALL_PORTS);
        return byProtocol.getOrDefault(protocol, List.of());
    }
}
