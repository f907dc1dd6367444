package dev.booster.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.stats.Stats;
import dev.booster.spi.Dataplanes;

import java.util.Objects;

/**
 * Binds a singleton {@link Dataplane} opened from a {@link DataplaneConfig} (through {@link Dataplanes}), and its
 * facets. The injector's owner closes the dataplane: {@code injector.getInstance(Dataplane.class).close()}.
 */
public final class BoosterModule extends AbstractModule {
    private final DataplaneConfig config;

    public BoosterModule(DataplaneConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(DataplaneConfig.class).toInstance(config);
    }

    @Provides
    @Singleton
    Dataplane dataplane(DataplaneConfig config) {
        return Dataplanes.open(config);
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
    Stats stats(Dataplane dataplane) {
        return dataplane.stats();
    }
}
