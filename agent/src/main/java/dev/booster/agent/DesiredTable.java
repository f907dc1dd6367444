package dev.booster.agent;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.UnsupportedCapabilityException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Desired state for a dataplane facet the backend may lack (tunnels, services): the table is kept whatever the
 * backend can do, and applied as a difference (put what is new or changed, remove what is gone) while the dataplane
 * has the capability. A backend without it is told of once in the log, not on every change.
 *
 * @param <V> the spec type, e.g. {@code TunnelSpec}
 */
final class DesiredTable<V> {
    private static final System.Logger LOG = System.getLogger(DesiredTable.class.getName());

    /** The facet's operations, keyed as the table is. */
    interface Facet<V> {
        List<V> list();

        void put(V spec);

        void remove(String key);
    }

    private final String what;
    private final Capability capability;
    private final Function<V, String> keyOf;
    private final Function<Dataplane, Facet<V>> facetOf;
    private volatile Map<String, V> desired = Map.of();
    private volatile boolean applied;
    private boolean toldUnsupported;

    DesiredTable(String what, Capability capability, Function<V, String> keyOf, Function<Dataplane, Facet<V>> facetOf) {
        this.what = what;
        this.capability = capability;
        this.keyOf = keyOf;
        this.facetOf = facetOf;
    }

    /**
     * Records {@code wanted} and applies it if the dataplane can; returns true when the dataplane changed.
     *
     * @throws RuntimeException a put or remove the dataplane refused (the next call tries again)
     */
    synchronized boolean reconcile(Dataplane dataplane, Map<String, V> wanted) {
        desired = Map.copyOf(wanted);
        if (!dataplane.capabilities().contains(capability)) return unsupported(dataplane.provider(), null);
        Facet<V> facet;
        Map<String, V> have = new HashMap<>();
        try {
            facet = facetOf.apply(dataplane);
            for (V v : facet.list()) have.put(keyOf.apply(v), v);
        } catch (UnsupportedCapabilityException e) {
            return unsupported(dataplane.provider(), e.getMessage());
        }
        boolean changed = false;
        for (Map.Entry<String, V> e : desired.entrySet()) {
            if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
                facet.put(e.getValue());
                changed = true;
            }
        }
        for (String key : have.keySet()) {
            if (!desired.containsKey(key)) {
                facet.remove(key);
                changed = true;
            }
        }
        applied = true;
        return changed;
    }

    private boolean unsupported(String provider, String detail) {
        applied = false;
        if (!toldUnsupported) {
            toldUnsupported = true;
            LOG.log(System.Logger.Level.INFO, "provider " + provider + " lacks " + capability + ": the " + what
                    + " the cluster asks for are kept (" + desired.size() + " now) and applied once a backend has it"
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        return false;
    }

    /** What the cluster asks for now, applied or not. */
    Map<String, V> desired() {
        return desired;
    }

    /** True when the last reconcile brought the dataplane in line with {@link #desired()}. */
    boolean applied() {
        return applied;
    }
}
