package dev.booster.agent.state;

import dev.booster.api.pod.PodSpec;

import java.util.Objects;

/**
 * A pod the CNI attached: the runtime's container id and interface name (what CNI DEL and CHECK name it by) and the
 * spec it was attached with (uid, netns, interfaces with their addresses, routes, MTU and MAC, labels): enough for
 * the next agent to attach the same spec again, which adopts the pod's interfaces where the backend can.
 */
public record PersistedPod(String containerId, String ifName, PodSpec spec) {
    public PersistedPod {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
        Objects.requireNonNull(spec, "spec");
    }
}
