package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.booster.api.Capability.IPSEC;
import static dev.booster.api.Capability.POLICY;
import static dev.booster.api.Capability.TAP;
import static dev.booster.api.Capability.VETH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataplanesTest {

    @AfterEach
    void resetBeta() {
        BetaProvider.reset();
    }

    private static DataplaneConfig.Builder config() {
        return DataplaneConfig.builder().nodeName("node-1");
    }

    private static List<String> names(List<DataplaneProvider> providers) {
        return providers.stream().map(DataplaneProvider::name).toList();
    }

    @Test
    void discoversTheRegisteredProvidersSortedByName() {
        assertEquals(List.of("alpha", "beta"), names(Dataplanes.providers()));
    }

    @Test
    void findsAProviderByName() {
        assertEquals("beta", Dataplanes.provider("beta").orElseThrow().name());
        assertTrue(Dataplanes.provider("gamma").isEmpty());
    }

    @Test
    void opensTheProviderTheConfigNamesWithThatConfig() {
        DataplaneConfig config = config().provider("beta").workers(3).build();
        try (Dataplane dp = Dataplanes.open(config)) {
            assertEquals("beta", dp.provider());
            assertEquals(config, ((TestDataplane) dp).config());
        }
    }

    @Test
    void opensTheProviderNamedBesidesTheConfig() {
        try (Dataplane dp = Dataplanes.open("beta", config().build())) {
            assertEquals("beta", dp.provider());
            assertEquals("beta", ((TestDataplane) dp).config().provider().orElseThrow());
        }
    }

    @Test
    void picksTheProviderThatHasTheRequiredCapability() {
        try (Dataplane dp = Dataplanes.open(config().require(IPSEC).build())) {
            assertEquals("beta", dp.provider());
        }
    }

    @Test
    void picksTheHighestPriorityWhenSeveralFitAndProbesNoFurther() {
        try (Dataplane dp = Dataplanes.open(config().require(VETH, POLICY).build())) {
            assertEquals("alpha", dp.provider());
        }
        assertEquals(0, BetaProvider.PROBES.get(), "beta ranks below an available alpha, so it needs no probe");
    }

    @Test
    void passesOverAnUnavailableProviderToTheNextInPriority() {
        var down = new FixedProvider("down", 20, Set.of(VETH), () -> Availability.unavailable("cable cut"));
        var up = new FixedProvider("up", 1, Set.of(VETH), Availability::available);
        assertSame(up, Dataplanes.select(config().build(), List.of(down, up)));
    }

    @Test
    void breaksPriorityTiesByName() {
        var b = new FixedProvider("b", 5, Set.of(), Availability::available);
        var a = new FixedProvider("a", 5, Set.of(), Availability::available);
        assertSame(a, Dataplanes.select(config().build(), List.of(b, a)));
    }

    @Test
    void refusesANamedProviderThatLacksARequiredCapability() {
        var e = assertThrows(UnsupportedCapabilityException.class,
                () -> Dataplanes.open(config().provider("alpha").require(IPSEC).build()));
        assertEquals("alpha", e.provider());
        assertEquals(IPSEC, e.capability());
        assertEquals("provider 'alpha' does not support IPSEC: required by the config; choose a provider that lists"
                + " IPSEC in its capabilities (see `booster providers`)", e.getMessage());
    }

    @Test
    void namesTheFirstMissingCapabilityAndListsTheOthers() {
        var e = assertThrows(UnsupportedCapabilityException.class,
                () -> Dataplanes.open(config().provider("alpha").require(IPSEC, TAP, VETH).build()));
        assertEquals(TAP, e.capability(), "the first missing one in Capability order");
        assertTrue(e.getMessage().contains("required by the config (also missing: [IPSEC])"), e.getMessage());
    }

    @Test
    void refusesAnUnknownNameListingWhatWasDiscovered() {
        var e = assertThrows(NoProviderException.class, () -> Dataplanes.open(config().provider("gamma").build()));
        assertEquals("no dataplane provider named 'gamma'; discovered: 'alpha' (available), 'beta' (available)."
                + " Add the provider's module (e.g. booster-impl-gamma) to the class path.", e.getMessage());
        assertEquals(1, BetaProvider.PROBES.get());
    }

    @Test
    void refusesANamedProviderThatIsUnavailableSayingWhy() {
        BetaProvider.unavailable("no test kernel");
        var e = assertThrows(NoProviderException.class, () -> Dataplanes.open(config().provider("beta").build()));
        assertEquals("dataplane provider 'beta' is unavailable: no test kernel", e.getMessage());
        assertEquals(1, BetaProvider.PROBES.get());
    }

    @Test
    void whenNothingFitsListsEveryProviderWithItsProbeAndWhatItLacks() {
        BetaProvider.unavailable("no test kernel");
        var e = assertThrows(NoProviderException.class, () -> Dataplanes.open(config().require(IPSEC).build()));
        assertEquals("no available dataplane provider with [IPSEC]; discovered:"
                + " 'alpha' (available; lacks [IPSEC]), 'beta' (unavailable: no test kernel)", e.getMessage());
        assertEquals(1, BetaProvider.PROBES.get(), "probed once to select and reused for the message");
    }

    @Test
    void listsMissingCapabilitiesInCapabilityOrder() {
        var e = assertThrows(NoProviderException.class, () -> Dataplanes.open(config().require(IPSEC, TAP).build()));
        assertEquals("no available dataplane provider with [TAP, IPSEC]; discovered:"
                + " 'alpha' (available; lacks [TAP, IPSEC]), 'beta' (available; lacks [TAP])", e.getMessage());
    }

    @Test
    void saysHowToGetAProviderWhenNoneIsDiscovered() {
        var e = assertThrows(NoProviderException.class, () -> Dataplanes.select(config().build(), List.of()));
        assertEquals("no available dataplane provider; none was discovered: add a backend module such as"
                + " booster-testkit (provider 'memory') to the class path", e.getMessage());
    }

    @Test
    void treatsAThrowingProbeAsUnavailableAndKeepsTheCause() {
        var boom = new IllegalStateException("boom");
        var broken = new FixedProvider("broken", 9, Set.of(VETH), () -> { throw boom; });
        var fallback = new FixedProvider("fallback", 0, Set.of(VETH), Availability::available);

        assertSame(fallback, Dataplanes.select(config().build(), List.of(broken, fallback)));

        var named = assertThrows(NoProviderException.class,
                () -> Dataplanes.select(config().provider("broken").build(), List.of(broken, fallback)));
        assertSame(boom, named.getCause());
        assertEquals("dataplane provider 'broken' is unavailable: probe() failed (java.lang.IllegalStateException: boom)",
                named.getMessage());

        var none = assertThrows(NoProviderException.class, () -> Dataplanes.select(config().build(), List.of(broken)));
        assertTrue(none.getMessage().contains("'broken' (unavailable: probe() failed (java.lang.IllegalStateException: boom))"),
                none.getMessage());
    }

    @Test
    void treatsALinkageErrorInAProbeAsUnavailable() {
        var missingLibrary = new UnsatisfiedLinkError("no xdp in java.library.path");
        var native_ = new FixedProvider("native", 0, Set.of(), () -> { throw missingLibrary; });
        var a = assertInstanceOf(Availability.Unavailable.class, Dataplanes.probe(native_));
        assertSame(missingLibrary, a.cause().orElseThrow());
    }

    @Test
    void treatsANullProbeAsUnavailable() {
        var careless = new FixedProvider("careless", 0, Set.of(), () -> null);
        var a = assertInstanceOf(Availability.Unavailable.class, Dataplanes.probe(careless));
        assertTrue(a.reason().contains("careless"), a.reason());
    }

    @Test
    void probesEachProviderOnceWhenListingThemAll() {
        var e = assertThrows(NoProviderException.class,
                () -> Dataplanes.open(config().require(Capability.WIREGUARD).build()));
        assertTrue(e.getMessage().contains("'beta' (available; lacks [WIREGUARD])"), e.getMessage());
        assertEquals(1, BetaProvider.PROBES.get());
    }
}
