package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.conformance.DataplaneConformanceSuite;
import dev.booster.testkit.conformance.PodNetwork;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shared end-to-end suite on the {@code memory} provider, opened as an application would: through discovery. */
class MemoryConformanceTest extends DataplaneConformanceSuite {

    @Override
    protected Dataplane openDataplane() {
        return Dataplanes.open(DataplaneConfig.builder().provider(MemoryProvider.NAME).build());
    }

    @Override
    protected PodNetwork podNetwork(Dataplane dataplane) {
        return new MemoryPodNetwork(dataplane);
    }

    @Override
    protected boolean exactCounters() {
        return true;
    }

    @Override
    protected void assertNoLeaks(Dataplane dataplane) {
        assertEquals(0, MemoryDataplane.of(dataplane).buffersInUse(), "packet buffers still in use");
    }
}
