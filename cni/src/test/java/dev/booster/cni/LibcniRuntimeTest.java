package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.booster.cni.testing.AfXdpCniFixture;
import dev.booster.cni.testing.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * booster-cni driven by libcni, the CNI library containerd (go-cni), CRI-O (ocicni) and podman call: a small Go
 * program ({@code src/test/go/libcni-driver}) built here from Debian's golang-go and golang-github-appc-cni-dev
 * (libcni 1.1.2, which speaks up to CNI 1.0.0) runs ADD, CHECK and DEL of a conflist [booster-cni, tuning], with
 * libcni's own lookup, derived configs, VERSION checks and result cache.
 */
@Tag("privileged")
class LibcniRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LIBCNI = Path.of("/usr/share/gocode/src/github.com/containernetworking/cni/libcni");
    private static final Path DRIVER_SOURCE = Path.of("src/test/go/libcni-driver").toAbsolutePath();
    private static Path driver;
    private static AfXdpCniFixture node;
    private final Netns netns = new Netns();

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        if (!Netns.isRoot()) AfXdpCniFixture.skip("not root: real namespaces and AF_XDP need root");
        if (Netns.run("sh", "-c", "command -v go").code() != 0 || !Files.isDirectory(LIBCNI)) {
            AfXdpCniFixture.skip("libcni is not installed (apt-get install golang-go golang-github-appc-cni-dev)");
        }
        driver = Path.of("target/libcni-driver").toAbsolutePath();
        ProcessBuilder go = new ProcessBuilder("go", "build", "-o", driver.toString(), ".").directory(DRIVER_SOURCE.toFile()).redirectErrorStream(true);
        go.environment().put("GOPATH", "/usr/share/gocode");
        go.environment().put("GO111MODULE", "off");
        go.environment().put("GOCACHE", Path.of("target/go-cache").toAbsolutePath().toString());
        go.environment().put("GOFLAGS", "");
        Process p = go.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("go build of the libcni driver failed: " + out);
        node = AfXdpCniFixture.start();
    }

    @AfterEach
    void deleteNamespaces() {
        netns.close();
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) node.close();
    }

    private Netns.Result drive(String command, Path conflist, String netnsPath, String containerId) {
        List<String> argv = new ArrayList<>(List.of("env", "BOOSTER_CNI_SOCKET=" + node.socket, driver.toString(), command, conflist.toString(),
                node.cniPath.toString(), node.work.resolve("libcni-cache").toString(), containerId, netnsPath, "eth0",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=libcni-pod"));
        return Netns.run(argv.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4.0", "1.0.0"})
    void libcniAddsChecksAndDeletesThroughBoosterAndTuning(String version) throws IOException {
        String network = "booster-libcni-" + version.replace('.', '-');
        Path conflist = node.work.resolve(network + ".conflist");
        Files.writeString(conflist, "{\"cniVersion\":\"" + version + "\",\"name\":\"" + network + "\",\"plugins\":[" + node.boosterPlugin("10.250."
                + (AfXdpCniFixture.PID % 250) + ".0/24") + ",{\"type\":\"tuning\",\"mtu\":1400}]}");
        String ns = netns.add("lc");
        String containerId = "libcni" + AfXdpCniFixture.PID;

        Netns.Result validate = drive("VALIDATE", conflist, ns, containerId);
        assertEquals(0, validate.code(), validate::output);

        Netns.Result add = drive("ADD", conflist, ns, containerId);
        assertEquals(0, add.code(), add::output);
        JsonNode result = JSON.readTree(add.output());
        assertEquals(version, result.path("cniVersion").asText());
        assertEquals("eth0", result.path("interfaces").get(1).path("name").asText());
        String address = result.path("ips").get(0).path("address").asText();
        assertTrue(Netns.exec(ns, "ip", "-o", "addr", "show", "dev", "eth0").output().contains(address), "the address libcni reports is on eth0");
        assertTrue(Netns.exec(ns, "ip", "link", "show", "eth0").output().contains("mtu 1400"), "tuning, chained after Booster, set the MTU");
        assertEquals(1, node.allocations(network).size());

        // libcni passes its cached result as prevResult to each plugin; tuning's MTU is not held against Booster.
        Netns.Result check = drive("CHECK", conflist, ns, containerId);
        assertEquals(0, check.code(), check::output);
        Netns.exec(ns, "ip", "addr", "flush", "dev", "eth0");
        Netns.Result broken = drive("CHECK", conflist, ns, containerId);
        assertTrue(broken.code() != 0 && broken.output().contains(address + " is missing from eth0"), broken::output);

        Netns.Result del = drive("DEL", conflist, ns, containerId);
        assertTrue(node.work.resolve("libcni-cache").toFile().isDirectory(), "libcni kept its result cache there");
        assertEquals(0, del.code(), del::output);
        assertEquals(List.of(), node.allocations(network));
        assertTrue(node.dataplane.pods().list().isEmpty());
        assertEquals(0, drive("DEL", conflist, ns, containerId).code(), "libcni's DEL without a cached result still succeeds");
    }
}
