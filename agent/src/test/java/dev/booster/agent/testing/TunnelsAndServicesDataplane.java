package dev.booster.agent.testing;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.ServiceSpec;
import dev.booster.api.service.Services;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.api.tunnel.Tunnels;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A dataplane with the TUNNELS and SERVICES capabilities no engine backend has yet: the memory dataplane for pods,
 * policy and counters, plus tables that keep what was put and log every call, so a test sees the agent apply its
 * desired state as a difference.
 */
public final class TunnelsAndServicesDataplane implements Dataplane {
    private final Dataplane delegate;
    private final Map<String, TunnelSpec> tunnels = new TreeMap<>();
    private final Map<String, ServiceSpec> services = new TreeMap<>();
    /** Every put and remove, e.g. {@code put tunnel node-2}, in order. */
    public final List<String> calls = new ArrayList<>();

    public TunnelsAndServicesDataplane(Dataplane delegate) {
        this.delegate = delegate;
    }

    public synchronized Map<String, TunnelSpec> tunnelTable() {
        return Map.copyOf(tunnels);
    }

    public synchronized Map<String, ServiceSpec> serviceTable() {
        return Map.copyOf(services);
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public String provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> all = EnumSet.copyOf(delegate.capabilities());
        all.add(Capability.TUNNELS);
        all.add(Capability.SERVICES);
        return all;
    }

    @Override
    public Pods pods() {
        return delegate.pods();
    }

    @Override
    public Policies policies() {
        return delegate.policies();
    }

    @Override
    public Tunnels tunnels() {
        return new Tunnels() {
            @Override
            public void put(TunnelSpec spec) {
                synchronized (TunnelsAndServicesDataplane.this) {
                    tunnels.put(spec.remoteNode(), spec);
                    calls.add("put tunnel " + spec.remoteNode());
                }
            }

            @Override
            public boolean remove(String remoteNode) {
                synchronized (TunnelsAndServicesDataplane.this) {
                    calls.add("remove tunnel " + remoteNode);
                    return tunnels.remove(remoteNode) != null;
                }
            }

            @Override
            public Optional<TunnelSpec> get(String remoteNode) {
                synchronized (TunnelsAndServicesDataplane.this) {
                    return Optional.ofNullable(tunnels.get(remoteNode));
                }
            }

            @Override
            public List<TunnelSpec> list() {
                synchronized (TunnelsAndServicesDataplane.this) {
                    return List.copyOf(tunnels.values());
                }
            }
        };
    }

    @Override
    public Services services() {
        return new Services() {
            @Override
            public void put(ServiceSpec spec) {
                synchronized (TunnelsAndServicesDataplane.this) {
                    services.put(spec.key(), spec);
                    calls.add("put service " + spec.key());
                }
            }

            @Override
            public boolean remove(String namespace, String name) {
                synchronized (TunnelsAndServicesDataplane.this) {
                    calls.add("remove service " + namespace + "/" + name);
                    return services.remove(namespace + "/" + name) != null;
                }
            }

            @Override
            public List<ServiceSpec> list() {
                synchronized (TunnelsAndServicesDataplane.this) {
                    return List.copyOf(services.values());
                }
            }
        };
    }

    @Override
    public Stats stats() {
        return delegate.stats();
    }

    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        return delegate.subscribe(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
