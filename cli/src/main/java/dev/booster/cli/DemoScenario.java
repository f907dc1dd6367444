package dev.booster.cli;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicyType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The cast and the policy of {@code booster demo}, the same whichever provider plays it: three pods in two
 * Kubernetes namespaces, and a NetworkPolicy that lets only frontend reach backend, on TCP/8080.
 */
final class DemoScenario {
    static final Role FRONTEND = new Role("shop", "frontend", "10.0.0.10", "fd00::10");
    static final Role BACKEND = new Role("shop", "backend", "10.0.0.20", "fd00::20");
    static final Role INTRUDER = new Role("guest", "intruder", "10.0.1.30", "fd00::1:30");
    static final List<Role> ROLES = List.of(FRONTEND, BACKEND, INTRUDER);
    static final int ALLOWED_PORT = 8080;
    static final String POLICY_NAME = "backend-allow-frontend-8080";

    /** One pod of the demo: Kubernetes namespace, name (also its {@code app} label) and addresses. */
    record Role(String namespace, String app, String ipv4, String ipv6) {
        /** The pod's spec, with one veth {@code eth0}; {@code uid} keeps concurrent demos apart. */
        PodSpec spec(String uid, Path netns) {
            return PodSpec.builder(namespace, app)
                    .uid(uid)
                    .labels(Map.of("app", app))
                    .addInterface(Veth.of("eth0", InterfaceAddress.parse(ipv4 + "/32"), InterfaceAddress.parse(ipv6 + "/128")))
                    .netns(netns)
                    .build();
        }

        @Override
        public String toString() {
            return namespace + "/" + app + " " + ipv4 + " " + ipv6;
        }
    }

    private DemoScenario() {
    }

    static NetworkPolicy policy() {
        return NetworkPolicy.of(BACKEND.namespace(), POLICY_NAME, NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", BACKEND.app())), List.of(PolicyType.INGRESS),
                List.of(IngressRule.allow(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", FRONTEND.app())))),
                        List.of(NetworkPolicyPort.tcp(ALLOWED_PORT)))), List.of()));
    }

    static String podsLine() {
        return "pods: " + FRONTEND + ", " + BACKEND + ", " + INTRUDER;
    }

    static String policyLine(long generation) {
        return "policy " + BACKEND.namespace() + "/" + POLICY_NAME + " applied (generation " + generation + "): backend accepts only"
                + " TCP/" + ALLOWED_PORT + " from pods labelled app=" + FRONTEND.app() + " in its namespace";
    }
}
