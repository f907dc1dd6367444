package dev.booster.agent;

import dev.booster.agent.state.AgentState;
import dev.booster.agent.state.PersistedPod;
import dev.booster.agent.state.StateFile;
import dev.booster.api.Dataplane;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.cni.CniResponse;
import dev.booster.cni.CniServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The pods the CNI attached, kept on disk ({@link StateFile}) so the next agent adopts them. The state is written
 * before the runtime gets its answer to an ADD, DEL or GC that changed the dataplane (a crash right after a
 * reported ADD still finds the pod in the state), and after the reconciler changes labels or policy.
 */
final class AttachedPods {
    private static final System.Logger LOG = System.getLogger(AttachedPods.class.getName());

    private record CniKey(String containerId, String ifName) {
    }

    private final Dataplane dataplane;
    private final StateFile file;
    private final Map<String, CniKey> keys = new ConcurrentHashMap<>();

    AttachedPods(Dataplane dataplane, StateFile file) {
        this.dataplane = dataplane;
        this.file = file;
    }

    /** What {@link #restore} did. */
    record Restored(List<String> adopted, Map<String, String> failed, boolean policyRestored) {
    }

    /**
     * Puts back the policy set in force before, then attaches every persisted pod with its spec again (the backend
     * adopts the interfaces it finds). A pod that cannot be attached (its namespace is gone: the pod ended while no
     * agent ran) is dropped from the state with the reason logged.
     */
    Restored restore(AgentState state) {
        boolean policyRestored = false;
        if (state.policies().isPresent()) {
            try {
                dataplane.policies().apply(state.policies().get());
                policyRestored = true;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the persisted policy set was refused; pods run without policy until the informers list: " + e.getMessage());
            }
        }
        List<String> adopted = new ArrayList<>();
        Map<String, String> failed = new java.util.LinkedHashMap<>();
        for (PersistedPod pod : state.pods()) {
            try {
                dataplane.pods().attach(pod.spec());
                keys.put(pod.spec().uid(), new CniKey(pod.containerId(), pod.ifName()));
                adopted.add(pod.spec().uid());
            } catch (RuntimeException e) {
                failed.put(pod.spec().uid(), e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "pod " + pod.spec().namespace() + "/" + pod.spec().name() + " (container " + pod.containerId()
                        + ") is not adopted and leaves the state: " + e.getMessage());
            }
        }
        save();
        return new Restored(adopted, failed, policyRestored);
    }

    /**
     * Wraps the CNI handler: after a successful ADD the new pod's CNI key is noted, and after any successful ADD,
     * DEL or GC the state is saved, all before the answer goes back to the plugin.
     */
    CniServer.Handler recording(CniServer.Handler handler, BiConsumer<String, Integer> requests) {
        return (environment, stdin) -> {
            CniResponse response = handler.handle(environment, stdin);
            String command = environment.getOrDefault("CNI_COMMAND", "");
            requests.accept(command, response.exitCode());
            if (response.exitCode() != 0) return response;
            switch (command) {
                case "ADD" -> {
                    noteAdded(environment);
                    save();
                }
                case "DEL", "GC" -> save();
                default -> {
                    // VERSION, CHECK and STATUS change nothing
                }
            }
            return response;
        };
    }

    /** The pod just added is the one in CNI_NETNS with an interface CNI_IFNAME (one interface of a name per namespace). */
    private void noteAdded(Map<String, String> environment) {
        String containerId = environment.getOrDefault("CNI_CONTAINERID", "");
        String ifName = environment.getOrDefault("CNI_IFNAME", "");
        Path netns = Path.of(environment.getOrDefault("CNI_NETNS", "/"));
        for (PodAttachment a : dataplane.pods().list()) {
            PodSpec spec = a.spec();
            if (spec.netns().equals(Optional.of(netns)) && spec.interfaces().stream().map(InterfaceSpec::name).anyMatch(ifName::equals)) {
                keys.put(spec.uid(), new CniKey(containerId, ifName));
                return;
            }
        }
    }

    /** Writes the dataplane's pods and policy set now. */
    synchronized void save() {
        List<PersistedPod> pods = new ArrayList<>();
        for (PodAttachment a : dataplane.pods().list()) {
            CniKey key = keys.getOrDefault(a.spec().uid(), new CniKey("", ""));
            pods.add(new PersistedPod(key.containerId(), key.ifName(), a.spec()));
        }
        keys.keySet().retainAll(pods.stream().map(p -> p.spec().uid()).toList());
        long generation = dataplane.policies().generation();
        file.write(new AgentState(AgentState.VERSION, pods, generation == 0 ? Optional.empty() : Optional.of(dataplane.policies().current())));
    }

    /** Saves, logging rather than throwing: for callers that cannot do anything about a full disk. */
    void saveQuietly() {
        try {
            save();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "saving the agent state failed: " + e.getMessage());
        }
    }
}
