package dev.booster.ike.testing;

import dev.booster.ipsec.EspSaSink;
import dev.booster.ipsec.SecurityAssociation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link EspSaSink} that records its calls in order and models the tunnel's SA tables: the inbound SAs by SPI
 * and the outbound SA. Flags calls that break the sink's contract (a second inbound SA with one SPI, removing an
 * SPI never added).
 */
public final class RecordingSink implements EspSaSink {
    public sealed interface Call {
    }

    public record AddInbound(SecurityAssociation sa) implements Call {
    }

    public record SetOutbound(SecurityAssociation sa) implements Call {
    }

    public record RemoveInbound(int spi) implements Call {
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<Integer, SecurityAssociation> inbound = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private SecurityAssociation outbound;

    @Override
    public synchronized void addInbound(SecurityAssociation sa) {
        calls.add(new AddInbound(sa));
        if (inbound.put(sa.spi(), sa) != null) violations.add("a second inbound SA with SPI " + Integer.toHexString(sa.spi()));
    }

    @Override
    public synchronized void setOutbound(SecurityAssociation sa) {
        calls.add(new SetOutbound(sa));
        outbound = sa;
    }

    @Override
    public synchronized void removeInbound(int spi) {
        calls.add(new RemoveInbound(spi));
        if (inbound.remove(spi) == null) violations.add("removed an inbound SA never added: " + Integer.toHexString(spi));
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized <T extends Call> List<T> calls(Class<T> type) {
        return calls.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public synchronized Map<Integer, SecurityAssociation> inbound() {
        return Map.copyOf(inbound);
    }

    public synchronized SecurityAssociation outbound() {
        return outbound;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }
}
