package dev.booster.agent;

import dev.booster.api.Dataplane;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.api.stats.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dataplane's counters as Micrometer counters, read at scrape time: per interface (tags {@code interface},
 * {@code pod}) received and sent packets and bytes and drops, drops per reason, and policy rule hits. Interfaces and
 * rules come and go; {@link #refresh()} registers the new ones and removes the gone ones, so a scrape shows exactly
 * what the dataplane has.
 *
 * <pre>
 * booster_interface_rx_packets_total{interface="bst0a1b2c3d4e",pod="c0ffee/eth0"} 12.0
 * booster_drops_total{reason="policy-deny"} 3.0
 * </pre>
 */
final class DataplaneMetrics {
    private final Dataplane dataplane;
    private final MeterRegistry registry;
    private final Map<Key, Entry> meters = new HashMap<>();

    private record Key(String name, Tags tags) {
    }

    private record Entry(AtomicLong value, Meter meter) {
    }

    DataplaneMetrics(Dataplane dataplane, MeterRegistry registry) {
        this.dataplane = dataplane;
        this.registry = registry;
    }

    /** Reads the counters once and brings the meters in line with them. */
    synchronized void refresh() {
        Stats stats = dataplane.stats();
        Set<Key> seen = new HashSet<>();
        for (InterfaceCounters c : stats.interfaces()) {
            Tags tags = Tags.of("interface", c.name(), "pod", c.podUid() == null ? "" : c.podUid());
            set(seen, "booster.interface.rx.packets", null, tags, c.rxPackets());
            set(seen, "booster.interface.rx.bytes", "bytes", tags, c.rxBytes());
            set(seen, "booster.interface.tx.packets", null, tags, c.txPackets());
            set(seen, "booster.interface.tx.bytes", "bytes", tags, c.txBytes());
            set(seen, "booster.interface.drops", null, tags, c.drops());
        }
        for (DropCounter d : stats.drops()) set(seen, "booster.drops", null, Tags.of("reason", d.reason()), d.packets());
        for (PolicyHitCounter h : stats.policyHits()) {
            Tags tags = Tags.of("policy", h.policy(), "direction", h.direction().name().toLowerCase(java.util.Locale.ROOT),
                    "rule", Integer.toString(h.ruleIndex()));
            set(seen, "booster.policy.hits", null, tags, h.packets());
            set(seen, "booster.policy.hits.bytes", "bytes", tags, h.bytes());
        }
        meters.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) return false;
            registry.remove(e.getValue().meter());
            return true;
        });
    }

    private void set(Set<Key> seen, String name, String unit, Tags tags, long value) {
        Key key = new Key(name, tags);
        seen.add(key);
        meters.computeIfAbsent(key, k -> {
            AtomicLong holder = new AtomicLong();
            FunctionCounter.Builder<AtomicLong> b = FunctionCounter.builder(name, holder, AtomicLong::get).tags(tags);
            if (unit != null) b.baseUnit(unit);
            return new Entry(holder, b.register(registry));
        }).value().set(value);
    }
}
