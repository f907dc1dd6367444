package dev.booster.cni;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.cni.testing.FakeIpam;
import dev.booster.cni.testing.ScratchNetns;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every input error of an ADD, with the spec's code and a message naming the variable or field, found before
 * anything touches the host: no IPAM call, no pod.
 */
class BoosterCniValidationTest {
    @TempDir
    Path pluginDir;
    private Dataplane dp;
    private FakeIpam ipam;
    private ScratchNetns netns;
    private BoosterCni cni;

    @BeforeEach
    void open() {
        dp = Dataplanes.open(DataplaneConfig.builder().provider("memory").nodeName("node-1").build());
        ipam = new FakeIpam(pluginDir);
        netns = ScratchNetns.start();
        cni = BoosterCni.builder(dp).inspector((ns, name) -> java.util.Optional.empty()).build();
    }

    @AfterEach
    void close() {
        dp.close();
        netns.close();
    }

    private static final String CONFIG = "{\"cniVersion\":\"1.0.0\",\"name\":\"boosternet\",\"type\":\"booster-cni\",\"ipam\":{\"type\":\"" + FakeIpam.TYPE + "\"}}";

    /** ADD with the environment changed by {@code change} and {@code config} on stdin: the error, after checking nothing was done. */
    private CniError add(Consumer<Map<String, String>> change, String config) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", "c1");
        env.put("CNI_NETNS", netns.path().toString());
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", pluginDir.toString());
        change.accept(env);
        CniResponse r = cni.handle(env, config.getBytes(StandardCharsets.UTF_8));
        CniError e = assertInstanceOf(CniError.class, r, r::stdout);
        assertTrue(ipam.calls().isEmpty(), "IPAM was called: " + ipam.calls());
        assertTrue(dp.pods().list().isEmpty(), "a pod was attached");
        assertTrue(r.stdout().startsWith("{\"cniVersion\":"), r.stdout());
        return e;
    }

    private CniError add(Consumer<Map<String, String>> change) {
        return add(change, CONFIG);
    }

    private static void assertError(int code, String mentioned, CniError e) {
        assertEquals(code, e.code(), e::toString);
        assertTrue(e.msg().contains(mentioned), () -> "\"" + e.msg() + "\" does not mention " + mentioned);
    }

    @Test
    void environmentErrorsAreCode4AndNameTheVariable() throws IOException {
        assertError(4, "CNI_COMMAND", add(env -> env.remove("CNI_COMMAND")));
        assertError(4, "CNI_COMMAND", add(env -> env.put("CNI_COMMAND", "add")));
        assertError(4, "CNI_CONTAINERID", add(env -> env.remove("CNI_CONTAINERID")));
        assertError(4, "CNI_CONTAINERID", add(env -> env.put("CNI_CONTAINERID", "-leading-dash")));
        assertError(4, "CNI_CONTAINERID", add(env -> env.put("CNI_CONTAINERID", "has/slash")));
        assertError(4, "CNI_IFNAME", add(env -> env.remove("CNI_IFNAME")));
        assertError(4, "CNI_IFNAME", add(env -> env.put("CNI_IFNAME", "sixteen-chars-xx")));
        assertError(4, "CNI_IFNAME", add(env -> env.put("CNI_IFNAME", "eth 0")));
        assertError(4, "CNI_IFNAME", add(env -> env.put("CNI_IFNAME", "eth/0")));
        assertError(4, "CNI_NETNS", add(env -> env.remove("CNI_NETNS")));
        assertError(4, "CNI_NETNS", add(env -> env.put("CNI_NETNS", "relative/ns")));
        assertError(4, "does not exist", add(env -> env.put("CNI_NETNS", "/run/netns/booster-no-such-ns-" + ProcessHandle.current().pid())));
        Path plainFile = Files.createFile(pluginDir.resolve("not-a-netns"));
        assertError(4, "is not a namespace file", add(env -> env.put("CNI_NETNS", plainFile.toString())));
        assertError(4, "not a network namespace", add(env -> env.put("CNI_NETNS", "/proc/self/ns/uts")));
        assertError(4, "the Booster agent itself", add(env -> env.put("CNI_NETNS", "/proc/self/ns/net")));
        assertError(4, "CNI_PATH", add(env -> env.remove("CNI_PATH")));
        assertError(4, "CNI_ARGS", add(env -> env.put("CNI_ARGS", "K8S_POD_NAME")));
    }

    @Test
    void severalBadVariablesAreNamedTogether() {
        CniError e = add(env -> {
            env.put("CNI_CONTAINERID", "");
            env.put("CNI_IFNAME", "");
        });
        assertError(4, "CNI_CONTAINERID", e);
        assertTrue(e.msg().contains("CNI_IFNAME"), e.msg());
    }

    @Test
    void configErrorsHaveTheirCodes() {
        assertError(6, "not valid JSON", add(env -> { }, "{\"cniVersion\":"));
        assertError(6, "not a JSON object", add(env -> { }, "[1, 2]"));
        assertError(7, "cniVersion", add(env -> { }, CONFIG.replace("\"cniVersion\":\"1.0.0\",", "")));
        CniError old = add(env -> { }, CONFIG.replace("1.0.0", "0.3.1"));
        assertError(1, "0.3.1", old);
        assertEquals("0.3.1", old.cniVersion(), "an error answers in the version it was asked in");
        assertError(2, "\"bridge\": \"cni0\"", add(env -> { }, CONFIG.replace("}}", "},\"bridge\":\"cni0\"}")));
        assertError(7, "name", add(env -> { }, CONFIG.replace("\"name\":\"boosternet\",", "")));
        assertError(7, "ipam", add(env -> { }, CONFIG.replace(",\"ipam\":{\"type\":\"" + FakeIpam.TYPE + "\"}", "")));
        assertError(7, "ipam.type", add(env -> { }, CONFIG.replace("\"type\":\"" + FakeIpam.TYPE + "\"", "\"subnet\":\"10.0.0.0/8\"")));
        assertError(7, "ipam.type \"no-such-ipam\"", add(env -> { }, CONFIG.replace(FakeIpam.TYPE, "no-such-ipam")));
        assertError(7, "mtu", add(env -> { }, CONFIG.replace("}}", "},\"mtu\":70000}")));
        assertError(6, "prevResult", add(env -> { }, CONFIG.replace("}}", "},\"prevResult\":{\"ips\":[{\"address\":\"not-an-ip\"}]}}")));
    }
}
