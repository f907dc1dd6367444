package dev.booster.testkit;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.spi.Dataplanes;

import java.util.Arrays;
import java.util.Map;

/** Pod specs and dataplanes for the memory provider's tests. */
final class TestPods {
    private TestPods() {
    }

    static Dataplane openMemory() {
        return Dataplanes.open(DataplaneConfig.builder().provider(MemoryProvider.NAME).build());
    }

    /** Pod {@code namespace/name}, labelled {@code app=name}, with one veth {@code eth0} carrying {@code addresses}. */
    static PodSpec pod(String namespace, String name, String... addresses) {
        return builder(namespace, name, Map.of("app", name), addresses).build();
    }

    static PodSpec.Builder builder(String namespace, String name, Map<String, String> labels, String... addresses) {
        return PodSpec.builder(namespace, name)
                .labels(labels)
                .addInterface(Veth.of("eth0", Arrays.stream(addresses).map(TestPods::address).toArray(InterfaceAddress[]::new)))
                .netns("/var/run/netns/" + namespace + "." + name);
    }

    /** {@code 10.0.0.1} as a /32, {@code fd00::1} as a /128. */
    static InterfaceAddress address(String ip) {
        return InterfaceAddress.parse(ip + (ip.contains(":") ? "/128" : "/32"));
    }
}
