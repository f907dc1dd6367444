package dev.booster.api;

import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.Services;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;

import java.util.Set;
import java.util.function.Consumer;

/**
 * A running dataplane: the one entry point an embedding application holds. Obtain it from {@code Dataplanes.open(...)}
 * (module {@code booster-spi}) and close it to release everything it created on the host.
 *
 * <p>Facets a backend lacks throw {@link UnsupportedCapabilityException} when used; {@link #capabilities()} says up
 * front what works. All methods are safe to call from any thread.
 */
public interface Dataplane extends AutoCloseable {

    /** The provider name of the backend, e.g. {@code "memory"} or {@code "afxdp"}. */
    String provider();

    Set<Capability> capabilities();

    /** Pods and their interfaces. */
    Pods pods();

    /** Network policy. */
    Policies policies();

    /** Node-to-node tunnels and their encryption. */
    Tunnels tunnels();

    /** Kubernetes services. */
    Services services();

    /** Counters. */
    Stats stats();

    /**
     * Delivers lifecycle events to {@code listener} on a dataplane-owned thread until the returned subscription is
     * closed. A slow or throwing listener never blocks or breaks the dataplane.
     */
    Subscription subscribe(Consumer<? super DataplaneEvent> listener);

    /** Detaches every pod and releases every host resource this dataplane created. Idempotent. */
    @Override
    void close();

    /** An event subscription; closing it stops delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
