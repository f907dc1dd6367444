package dev.booster.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.Services;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.spi.Dataplanes;

import java.util.Objects;

/**
 * Binds a singleton {@link Dataplane} opened from a {@link DataplaneConfig} (through {@link Dataplanes}), and its
 * facets ({@link Pods}, {@link Policies}, {@link Tunnels}, {@link Services}, {@link Stats}).
 *
 * <p>The dataplane is opened eagerly, while the injector is created: a missing or unavailable backend fails
 * {@code Guice.createInjector} with the provider list in the message, instead of surfacing at the first injection.
 * The injector's owner closes it: {@code injector.getInstance(Dataplane.class).close()}, which never opens one just to
 * close it. Injecting a facet the backend lacks fails with {@link dev.booster.api.UnsupportedCapabilityException}.
 */
public final class BoosterModule extends AbstractModule {
    private final DataplaneConfig config;

    public BoosterModule(DataplaneConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(DataplaneConfig.class).toInstance(config);
        bind(Dataplane.class).toProvider(new DataplaneOpener(config)).asEagerSingleton();
    }

    private record DataplaneOpener(DataplaneConfig config) implements Provider<Dataplane> {
        @Override
        public Dataplane get() {
            return Dataplanes.open(config);
        }
    }

    @Provides
    Pods pods(Dataplane dataplane) {
        return dataplane.pods();
    }

    @Provides
    Policies policies(Dataplane dataplane) {
        return dataplane.policies();
    }

    @Provides
    Tunnels tunnels(Dataplane dataplane) {
        return dataplane.tunnels();
    }

    @Provides
    Services services(Dataplane dataplane) {
        return dataplane.services();
    }

    @Provides
    Stats stats(Dataplane dataplane) {
        return dataplane.stats();
    }
}
