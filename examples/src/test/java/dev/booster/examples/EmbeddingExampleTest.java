package dev.booster.examples;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.pod.PodAttachment;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.MemoryPod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Swapping backends in tests: the application code ({@link EmbeddingExample#run}) is the production code; the test
 * opens the {@code memory} provider instead of a real one and checks real packet decisions.
 */
class EmbeddingExampleTest {

    @Test
    void thePoliciesFromYamlDecideRealPackets() throws Exception {
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("memory").build())) {
            assertEquals(1, EmbeddingExample.run(dp));
            MemoryPod frontend = MemoryPod.of(pod(dp, "shop/frontend"));
            MemoryPod backend = MemoryPod.of(pod(dp, "shop/backend"));

            frontend.send(frontend.frameTo(backend.ipv4()).tcp(40000, 8080, 0x02).build());
            assertTrue(backend.receive().isPresent(), "TCP to the named port http (8080) is allowed");

            frontend.send(frontend.frameTo(backend.ipv4()).tcp(40001, 22, 0x02).build());
            assertTrue(backend.receive().isEmpty(), "TCP to 22 is denied by default-deny-ingress");

            backend.send(backend.frameTo(frontend.ipv4()).tcp(5000, 80, 0x02).build());
            assertTrue(frontend.receive().isEmpty(), "frontend is isolated too: the default deny selects every pod in shop");
            assertEquals(2, dp.stats().drops("policy-deny"));
        }
    }

    private static PodAttachment pod(Dataplane dp, String uid) {
        return dp.pods().get(uid).orElseThrow();
    }
}
