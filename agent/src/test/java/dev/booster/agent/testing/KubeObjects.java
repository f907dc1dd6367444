package dev.booster.agent.testing;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1NetworkPolicySpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;

import java.util.List;
import java.util.Map;

/** Kubernetes objects built with the client library's own model classes, as a control plane would store them. */
public final class KubeObjects {
    private KubeObjects() {
    }

    public static V1Namespace namespace(String name, Map<String, String> labels) {
        return new V1Namespace().metadata(new V1ObjectMeta().name(name).labels(labels));
    }

    public static V1Pod pod(String namespace, String name, String node, Map<String, String> labels) {
        return new V1Pod().metadata(new V1ObjectMeta().namespace(namespace).name(name).labels(labels))
                .spec(new V1PodSpec().nodeName(node).containers(List.of(new V1Container().name("main").image("busybox")
                        .ports(List.of(new V1ContainerPort().name("http").containerPort(8080).protocol("TCP"))))));
    }

    /** {@code namespace/name}: pods labelled {@code app=<to>} accept TCP on {@code ports} from pods labelled {@code app=<from>}. */
    public static V1NetworkPolicy allowTcp(String namespace, String name, String to, String from, int... ports) {
        V1NetworkPolicyIngressRule rule = new V1NetworkPolicyIngressRule()
                .from(List.of(new V1NetworkPolicyPeer().podSelector(new V1LabelSelector().matchLabels(Map.of("app", from)))));
        for (int port : ports) rule.addPortsItem(new V1NetworkPolicyPort().protocol("TCP").port(new IntOrString(port)));
        return new V1NetworkPolicy().metadata(new V1ObjectMeta().namespace(namespace).name(name))
                .spec(new V1NetworkPolicySpec().podSelector(new V1LabelSelector().matchLabels(Map.of("app", to)))
                        .policyTypes(List.of("Ingress")).ingress(List.of(rule)));
    }

    public static V1Node node(String name, String internalIp, String... podCidrs) {
        return new V1Node().metadata(new V1ObjectMeta().name(name))
                .spec(new V1NodeSpec().podCIDRs(List.of(podCidrs)).podCIDR(podCidrs.length == 0 ? null : podCidrs[0]))
                .status(new V1NodeStatus().addresses(List.of(new V1NodeAddress().type("Hostname").address(name),
                        new V1NodeAddress().type("InternalIP").address(internalIp))));
    }
}
