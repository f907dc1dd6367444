package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.Services;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;

import java.util.Set;
import java.util.function.Consumer;

/** What the test providers open: it remembers who opened it with which config, and serves no facet. */
final class TestDataplane implements Dataplane {
    private final String provider;
    private final Set<Capability> capabilities;
    private final DataplaneConfig config;
    private volatile boolean closed;

    TestDataplane(String provider, Set<Capability> capabilities, DataplaneConfig config) {
        this.provider = provider;
        this.capabilities = Set.copyOf(capabilities);
        this.config = config;
    }

    DataplaneConfig config() {
        return config;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Pods pods() {
        throw new UnsupportedCapabilityException(provider, Capability.VETH, "the SPI tests' dataplane attaches no pods");
    }

    @Override
    public Policies policies() {
        throw new UnsupportedCapabilityException(provider, Capability.POLICY, "the SPI tests' dataplane enforces no policy");
    }

    @Override
    public Tunnels tunnels() {
        throw new UnsupportedCapabilityException(provider, Capability.TUNNELS, "the SPI tests' dataplane builds no tunnels");
    }

    @Override
    public Services services() {
        throw new UnsupportedCapabilityException(provider, Capability.SERVICES, "the SPI tests' dataplane balances no services");
    }

    @Override
    public Stats stats() {
        throw new UnsupportedOperationException("the SPI tests' dataplane counts nothing");
    }

    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        throw new UnsupportedOperationException("the SPI tests' dataplane emits no events");
    }

    @Override
    public void close() {
        closed = true;
    }
}
