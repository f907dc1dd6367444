package dev.booster.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code booster-cni} launcher as a container runtime does: a fresh process with exactly the CNI
 * environment (plus the agent's socket) and the network configuration on stdin, looked up in a CNI_PATH directory
 * that also holds Debian's {@code host-local}, which the agent runs for IPAM.
 */
public final class CniLauncher {
    /** The launcher as shipped; tests run in the agent module's directory. */
    public static final Path LAUNCHER = Path.of("../cni/src/main/sh/booster-cni").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path cniPath;
    private final Path socket;
    private final String config;

    public record Outcome(int exitCode, String stdout, String stderr) {
        /** The first address of the result, without its prefix length. */
        public String address() {
            try {
                JsonNode result = JSON.readTree(stdout);
                return result.path("ips").path(0).path("address").asText().split("/")[0];
            } catch (IOException e) {
                throw new UncheckedIOException("not a CNI result: " + stdout, e);
            }
        }
    }

    /** A CNI_PATH under {@code work} with the launcher and host-local, and a network over {@code subnet}. */
    public CniLauncher(Path work, Path socket, String network, String subnet) {
        this.socket = socket;
        try {
            cniPath = Files.createDirectories(work.resolve("cni-bin"));
            Files.createSymbolicLink(cniPath.resolve("booster-cni"), LAUNCHER);
            Files.createSymbolicLink(cniPath.resolve("host-local"), PodNamespaces.DEBIAN_PLUGINS.resolve("host-local"));
            Path ipam = Files.createDirectories(work.resolve("ipam"));
            config = "{\"cniVersion\":\"1.0.0\",\"name\":\"" + network + "\",\"type\":\"booster-cni\",\"mtu\":1500,"
                    + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + ipam + "\",\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]],"
                    + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Outcome add(String containerId, String netns, String podNamespace, String podName) {
        return run("ADD", containerId, netns, podNamespace, podName);
    }

    public Outcome del(String containerId, String netns, String podNamespace, String podName) {
        return run("DEL", containerId, netns, podNamespace, podName);
    }

    private Outcome run(String command, String containerId, String netns, String podNamespace, String podName) {
        Map<String, String> env = new TreeMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + podNamespace + ";K8S_POD_NAME=" + podName + ";K8S_POD_INFRA_CONTAINER_ID=" + containerId);
        env.put("CNI_PATH", cniPath.toString());
        env.put("BOOSTER_CNI_SOCKET", socket.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        ProcessBuilder pb = new ProcessBuilder(cniPath.resolve("booster-cni").toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(config.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("booster-cni " + command + " did not finish within 60 s");
            }
            return new Outcome(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
