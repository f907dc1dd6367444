package dev.booster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.booster.agent.kube.ClusterWatch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/'s DaemonSet and RBAC against the code: the ClusterRole allows exactly what the informers read, the
 * DaemonSet's environment is what {@link AgentArguments} reads, and every path the agent uses is a host mount.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("../deploy");

    private static List<JsonNode> documents(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(DEPLOY.resolve(file)))) {
            while (it.hasNextValue()) docs.add(it.nextValue());
        }
        return docs;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow(() -> new AssertionError("no " + kind));
    }

    @Test
    void theClusterRoleAllowsReadingExactlyWhatTheInformersFollow() throws IOException {
        List<JsonNode> rbac = documents("booster-agent-rbac.yaml");
        Set<ClusterWatch.Followed> allowed = new HashSet<>();
        for (JsonNode rule : kind(rbac, "ClusterRole").path("rules")) {
            Set<String> verbs = new HashSet<>();
            rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            assertEquals(Set.of("get", "list", "watch"), verbs, "read only: " + rule);
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) allowed.add(new ClusterWatch.Followed(group.asText(), resource.asText()));
            }
        }
        assertEquals(Set.copyOf(ClusterWatch.FOLLOWED), allowed);

        JsonNode account = kind(rbac, "ServiceAccount");
        JsonNode subject = kind(rbac, "ClusterRoleBinding").path("subjects").path(0);
        assertEquals(account.path("metadata").path("name"), subject.path("name"));
        assertEquals(account.path("metadata").path("namespace"), subject.path("namespace"));
        JsonNode daemonSet = kind(documents("booster-agent-daemonset.yaml"), "DaemonSet");
        assertEquals(account.path("metadata").path("name"), daemonSet.path("spec").path("template").path("spec").path("serviceAccountName"));
        assertEquals(account.path("metadata").path("namespace"), daemonSet.path("metadata").path("namespace"));
    }

    @Test
    void theDaemonSetRunsTheAgentOnTheHostWithEveryPathItUsesMountedFromTheHost() throws IOException {
        JsonNode pod = kind(documents("booster-agent-daemonset.yaml"), "DaemonSet").path("spec").path("template").path("spec");
        assertTrue(pod.path("hostNetwork").asBoolean());
        assertTrue(pod.path("hostPID").asBoolean());
        assertEquals("Exists", pod.path("tolerations").path(0).path("operator").asText(), "runs on not-ready and tainted nodes");
        JsonNode agent = pod.path("containers").path(0);
        assertTrue(agent.path("securityContext").path("privileged").asBoolean());

        Map<String, String> hostPaths = new HashMap<>();
        pod.path("volumes").forEach(v -> hostPaths.put(v.path("name").asText(), v.path("hostPath").path("path").asText()));
        Map<String, String> mounts = new HashMap<>(); // container path -> host path
        agent.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), hostPaths.get(m.path("name").asText())));
        assertEquals("/var/run/netns", mounts.get("/var/run/netns"));
        assertEquals("/sys/fs/bpf", mounts.get("/sys/fs/bpf"));
        assertEquals("/opt/cni/bin", mounts.get("/opt/cni/bin"), "the IPAM plugin runs from the runtime's CNI_PATH, a host path");
        assertEquals("/var/lib/cni", mounts.get("/var/lib/cni"), "host-local's allocations stay on the host");

        Map<String, String> env = new HashMap<>();
        agent.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        JsonNode nodeName = agent.path("env").path(0);
        assertEquals("NODE_NAME", nodeName.path("name").asText());
        assertEquals("spec.nodeName", nodeName.path("valueFrom").path("fieldRef").path("fieldPath").asText());
        env.put("NODE_NAME", "node-1");
        AgentConfig config = AgentArguments.parse(new String[0], env).config();
        assertEquals("afxdp", config.dataplane().provider().orElseThrow());
        assertEquals("/var/lib/booster", mounts.get(config.stateDir().toString()), "the state outlives the container");
        assertEquals("/run/booster", mounts.get(config.cniSocket().getParent().toString()), "the plugin on the host reaches the socket");
        assertEquals("/etc/cni/net.d", mounts.get(config.cniConfig().orElseThrow().file().getParent().toString()));
        int port = config.healthAddress().getPort();
        assertEquals(port, agent.path("livenessProbe").path("httpGet").path("port").asInt());
        assertEquals("/healthz", agent.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals(port, agent.path("readinessProbe").path("httpGet").path("port").asInt());
        assertEquals("/readyz", agent.path("readinessProbe").path("httpGet").path("path").asText());

        JsonNode init = pod.path("initContainers").path(0);
        assertEquals("/opt/cni/bin", hostPaths.get(init.path("volumeMounts").path(0).path("name").asText()));
        String script = init.path("command").path(2).asText();
        assertTrue(script.contains("mv -f /host/opt/cni/bin/.booster-cni.tmp /host/opt/cni/bin/booster-cni"),
                "the launcher is put in place by a rename, never half-written where the runtime runs it: " + script);
    }
}
