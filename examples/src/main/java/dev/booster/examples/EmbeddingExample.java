package dev.booster.examples;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.Protocol;
import dev.booster.api.stats.DropCounter;
import dev.booster.config.Manifests;
import dev.booster.spi.Dataplanes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Embedding Booster: open a dataplane (the best available provider, or the one named on the command line), attach
 * two pods, apply NetworkPolicies read from kubectl-style YAML, print what the dataplane counted. With the
 * {@code memory} provider it needs neither root nor native libraries; the same code runs on {@code afxdp} as root,
 * where the pods' network namespaces must exist.
 */
public final class EmbeddingExample {

    public static void main(String[] args) throws IOException {
        DataplaneConfig.Builder config = DataplaneConfig.builder();
        if (args.length > 0) config.provider(args[0]);
        try (Dataplane dp = Dataplanes.open(config.build())) {
            System.out.println("opened provider " + dp.provider() + " " + dp.capabilities());
            run(dp);
            for (DropCounter d : dp.stats().drops()) System.out.println("dropped " + d.packets() + " x " + d.reason());
        }
    }

    /** Attaches the example pods and applies the example policies; returns the policy generation. */
    public static long run(Dataplane dp) throws IOException {
        PodAttachment frontend = dp.pods().attach(PodSpec.builder("shop", "frontend")
                .labels(Map.of("app", "frontend"))
                .netns("/var/run/netns/frontend")
                .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.1.0.10/32")))
                .build());
        PodAttachment backend = dp.pods().attach(PodSpec.builder("shop", "backend")
                .labels(Map.of("app", "backend"))
                .netns("/var/run/netns/backend")
                .addInterface(Veth.of("eth0", InterfaceAddress.parse("10.1.0.20/32")))
                .addNamedPort(new NamedPort("http", Protocol.TCP, 8080))
                .build());
        System.out.println("attached " + frontend + " and " + backend);

        List<NetworkPolicy> policies = Manifests.policiesFromYaml(resource("shop-policies.yaml"));
        long generation = dp.policies().apply(PolicySet.of(policies));
        System.out.println("applied " + policies.size() + " policies, generation " + generation);
        return generation;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = EmbeddingExample.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IOException("resource " + name + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
