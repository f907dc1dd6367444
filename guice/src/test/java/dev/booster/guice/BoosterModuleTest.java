package dev.booster.guice;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.pod.Pods;
import dev.booster.api.policy.Policies;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.spi.NoProviderException;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoosterModuleTest {

    private static final DataplaneConfig CONFIG = DataplaneConfig.builder().nodeName("node-1").build();

    @AfterEach
    void forgetOpened() {
        PolicyOnlyProvider.OPENED.clear();
    }

    /** What an application class would look like: it asks for facets, not for the dataplane. */
    static final class PolicyWriter {
        final Policies policies;
        final Stats stats;

        @Inject
        PolicyWriter(Policies policies, Stats stats) {
            this.policies = policies;
            this.stats = stats;
        }
    }

    @Test
    void bindsOneDataplaneFromTheDiscoveredProviderWithTheConfig() {
        Injector injector = Guice.createInjector(new BoosterModule(CONFIG));

        Dataplane dp = injector.getInstance(Dataplane.class);
        assertEquals(PolicyOnlyProvider.NAME, dp.provider());
        assertSame(dp, injector.getInstance(Dataplane.class));
        assertEquals(List.of(dp), PolicyOnlyProvider.OPENED);
        assertEquals(CONFIG, ((PolicyOnlyDataplane) dp).config());
        assertSame(CONFIG, injector.getInstance(DataplaneConfig.class));
    }

    @Test
    void opensTheDataplaneWhenTheInjectorIsCreated() {
        Guice.createInjector(new BoosterModule(CONFIG));
        assertEquals(1, PolicyOnlyProvider.OPENED.size(), "opened before anyone asked, so closing never opens one");
    }

    @Test
    void injectsTheDataplanesFacets() {
        Injector injector = Guice.createInjector(new BoosterModule(CONFIG));
        Dataplane dp = injector.getInstance(Dataplane.class);

        PolicyWriter writer = injector.getInstance(PolicyWriter.class);
        assertSame(dp.policies(), writer.policies);
        assertSame(dp.stats(), writer.stats);
        assertSame(dp.pods(), injector.getInstance(Pods.class));

        assertEquals(1, writer.policies.apply(PolicySet.EMPTY));
        assertEquals(1, dp.policies().generation(), "the injected facet is the dataplane's own");
    }

    @Test
    void injectingAFacetTheBackendLacksSaysWhich() {
        Injector injector = Guice.createInjector(new BoosterModule(CONFIG));

        var e = assertThrows(ProvisionException.class, () -> injector.getInstance(Tunnels.class));
        var cause = assertInstanceOf(UnsupportedCapabilityException.class, e.getCause());
        assertEquals(Capability.TUNNELS, cause.capability());
    }

    @Test
    void closingThroughTheInjectorClosesTheOpenedDataplane() {
        Injector injector = Guice.createInjector(new BoosterModule(CONFIG));
        injector.getInstance(Dataplane.class).close();

        assertEquals(1, PolicyOnlyProvider.OPENED.size());
        assertTrue(PolicyOnlyProvider.OPENED.getFirst().isClosed());
    }

    @Test
    void failsInjectorCreationWhenNoProviderFits() {
        DataplaneConfig wantsIpsec = CONFIG.toBuilder().require(Capability.IPSEC).build();

        var e = assertThrows(CreationException.class, () -> Guice.createInjector(new BoosterModule(wantsIpsec)));
        var cause = assertInstanceOf(NoProviderException.class, e.getCause());
        assertEquals("no available dataplane provider with [IPSEC]; discovered: 'policy-only' (available; lacks [IPSEC])",
                cause.getMessage());
        assertTrue(PolicyOnlyProvider.OPENED.isEmpty());
    }
}
