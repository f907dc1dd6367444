package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.booster.api.Dataplane;
import dev.booster.cni.testing.AfXdpCniFixture;
import dev.booster.cni.testing.CniRuntime;
import dev.booster.cni.testing.CniRuntime.Attachment;
import dev.booster.cni.testing.CniRuntime.ChainOutcome;
import dev.booster.cni.testing.Netns;
import dev.booster.cni.testing.PluginProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CNI conformance on real namespaces: the {@code booster-cni} launcher is run as a runtime runs a plugin (a process
 * with CNI_COMMAND/CNI_CONTAINERID/CNI_NETNS/CNI_IFNAME/CNI_PATH and the configuration on stdin), against a
 * {@link CniServer} over provider {@code afxdp}, with Debian's {@code host-local} IPAM (and {@code tuning} for
 * chaining) from {@code /usr/lib/cni}. Namespaces are {@code ip netns add}ed per test and deleted after.
 */
@Tag("privileged")
class AfXdpCniConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PID = ProcessHandle.current().pid();
    /** A subnet of our own per JVM: addresses live only in the test's namespaces and Booster's engine. */
    private static final String SUBNET = "10.251." + (PID % 250) + ".0/24";

    private static AfXdpCniFixture node;
    private static Path cniPath;
    private static Path socket;
    private static Dataplane dp;
    private static CniRuntime runtime;
    private final Netns netns = new Netns();

    @BeforeAll
    static void start() {
        node = AfXdpCniFixture.start();
        cniPath = node.cniPath;
        socket = node.socket;
        dp = node.dataplane;
        runtime = new CniRuntime(cniPath, Map.of("BOOSTER_CNI_SOCKET", socket.toString(), "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
    }

    @AfterEach
    void deleteNamespaces() {
        netns.close();
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) node.close();
    }

    private static String conflist(String version, String network, String... chained) {
        StringBuilder plugins = new StringBuilder(node.boosterPlugin(SUBNET));
        for (String c : chained) plugins.append(',').append(c);
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + network + "\",\"plugins\":[" + plugins + "]}";
    }

    private static String id(String name) {
        return "cni" + PID + name;
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static List<String> allocations(String network) throws IOException {
        return node.allocations(network);
    }

    private static String podAddress(JsonNode result) {
        for (JsonNode ip : result.path("ips")) return ip.path("address").asText().replaceAll("/.*", "");
        throw new AssertionError("no address in " + result);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4.0", "1.0.0", "1.1.0"})
    void addCheckDelOnRealNamespaces(String version) throws IOException {
        String network = "booster-" + version.replace('.', '-');
        String list = conflist(version, network);
        Attachment a = new Attachment(id("a"), netns.add("a"), "eth0", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=pod-a");

        ChainOutcome add = runtime.add(list, a);
        assertEquals(0, add.exitCode(), add::stdout);
        JsonNode result = json(add.stdout());
        assertEquals(version, result.path("cniVersion").asText());
        JsonNode pod = result.path("interfaces").get(1);
        assertEquals("eth0", pod.path("name").asText());
        assertEquals(a.netns(), pod.path("sandbox").asText());
        String address = podAddress(result);
        assertTrue(address.startsWith(SUBNET.substring(0, SUBNET.length() - 4)), address);
        assertEquals(version.equals("0.4.0"), result.path("ips").get(0).has("version"));
        assertEquals(List.of(address), allocations(network), "host-local holds the address");
        Netns.Result inside = Netns.exec(a.netns(), "ip", "-o", "addr", "show", "dev", "eth0");
        assertTrue(inside.output().contains("inet " + address + "/32"), inside.output());
        assertTrue(inside.output().contains(pod.path("mac").asText()) || Netns.exec(a.netns(), "ip", "link", "show", "eth0").output().contains(pod.path("mac").asText()));
        assertTrue(Netns.exec(a.netns(), "ip", "route").output().contains("default via 169.254.1.1 dev eth0"));

        ChainOutcome check = runtime.check(list, a);
        assertEquals(0, check.exitCode(), check::stdout);

        ChainOutcome del = runtime.del(list, a);
        assertEquals(0, del.exitCode(), del::stdout);
        assertEquals("", del.stdout());
        assertEquals(List.of(), allocations(network), "DEL released the address");
        assertFalse(Netns.exec(a.netns(), "ip", "link").output().contains("eth0"), "eth0 is gone from the namespace");
        assertFalse(Netns.run("ip", "link", "show", result.path("interfaces").get(0).path("name").asText()).code() == 0, "the host end is gone");
        assertEquals(0, runtime.del(list, a).exitCode(), "a second DEL succeeds");
    }

    @Test
    void twoPodsAddedThroughThePluginPingEachOtherThroughBooster() throws IOException {
        String list = conflist("1.0.0", "booster-ping");
        Attachment a = new Attachment(id("pa"), netns.add("pa"), "eth0", null);
        Attachment b = new Attachment(id("pb"), netns.add("pb"), "eth0", null);
        ChainOutcome addA = runtime.add(list, a);
        ChainOutcome addB = runtime.add(list, b);
        assertEquals(0, addA.exitCode(), addA::stdout);
        assertEquals(0, addB.exitCode(), addB::stdout);
        String addressB = podAddress(json(addB.stdout()));
        Netns.Result ping = Netns.exec(a.netns(), "ping", "-c", "2", "-W", "2", addressB);
        assertEquals(0, ping.code(), ping::output);
        assertTrue(ping.output().contains("2 received"), ping.output());
        assertEquals(0, runtime.del(list, a).exitCode());
        assertEquals(0, runtime.del(list, b).exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4.0", "1.0.0"})
    void chainedWithTuningTheResultFlowsThroughAndBackOnCheckAndDel(String version) throws IOException {
        String network = "booster-chain-" + version.replace('.', '-');
        String list = conflist(version, network, "{\"type\":\"tuning\",\"sysctl\":{\"net.ipv4.conf.eth0.accept_local\":\"1\"}}");
        Attachment a = new Attachment(id("ch"), netns.add("ch"), "eth0", null);
        ChainOutcome add = runtime.add(list, a);
        assertEquals(0, add.exitCode(), add::stdout);
        assertEquals("tuning", add.plugin());
        JsonNode booster = json(add.all().get(0).stdout());
        JsonNode last = json(add.stdout());
        assertEquals(booster.path("ips"), last.path("ips"), "tuning passed Booster's result through");
        assertEquals(booster.path("interfaces"), last.path("interfaces"));
        assertEquals("1", Netns.exec(a.netns(), "sysctl", "-n", "net.ipv4.conf.eth0.accept_local").output().strip(), "tuning worked on Booster's eth0");
        ChainOutcome check = runtime.check(list, a);
        assertEquals(0, check.exitCode(), () -> check.plugin() + ": " + check.stdout());
        assertEquals(2, check.all().size(), "CHECK went through both plugins with the chain's result as prevResult");
        ChainOutcome del = runtime.del(list, a);
        assertEquals(0, del.exitCode(), del::stdout);
        assertEquals(List.of(), allocations(network));
    }

    @Test
    void addTwiceReturnsTheSameResultAndAllocatesOnce() throws IOException {
        String list = conflist("1.0.0", "booster-twice");
        Attachment a = new Attachment(id("tw"), netns.add("tw"), "eth0", null);
        ChainOutcome first = runtime.add(list, a);
        ChainOutcome second = runtime.add(list, a);
        assertEquals(0, second.exitCode(), second::stdout);
        assertEquals(json(first.stdout()), json(second.stdout()));
        assertEquals(1, allocations("booster-twice").size());
        assertEquals(1, Netns.exec(a.netns(), "ip", "-o", "link").output().lines().filter(l -> l.contains("eth0")).count());
        assertEquals(0, runtime.del(list, a).exitCode());
    }

    @Test
    void addIntoANamespaceMadeAgainUnderTheSameNameStartsAfresh() throws IOException {
        String list = conflist("1.0.0", "booster-again");
        Attachment a = new Attachment(id("ag"), netns.add("ag"), "eth0", null);
        assertEquals(0, runtime.add(list, a).exitCode());
        netns.delete(a.netns());
        assertEquals(a.netns(), netns.add("ag"), "same path, another namespace");
        ChainOutcome again = runtime.add(list, a);
        assertEquals(0, again.exitCode(), again::stdout);
        assertTrue(Netns.exec(a.netns(), "ip", "-o", "addr", "show", "dev", "eth0").output().contains(podAddress(json(again.stdout())) + "/32"),
                "eth0 was made in the new namespace");
        assertEquals(1, allocations("booster-again").size(), "the old attachment's address was released");
        assertEquals(0, runtime.del(list, a).exitCode());
    }

    @Test
    void delAfterTheNamespaceIsGoneCleansUpEverything() throws IOException {
        String list = conflist("1.0.0", "booster-gone");
        Attachment a = new Attachment(id("gn"), netns.add("gn"), "eth0", null);
        ChainOutcome add = runtime.add(list, a);
        assertEquals(0, add.exitCode(), add::stdout);
        String hostEnd = json(add.stdout()).path("interfaces").get(0).path("name").asText();
        netns.delete(a.netns());
        ChainOutcome del = runtime.del(list, a);
        assertEquals(0, del.exitCode(), del::stdout);
        assertEquals(List.of(), allocations("booster-gone"));
        assertTrue(dp.pods().list().isEmpty());
        assertFalse(Netns.run("ip", "link", "show", hostEnd).code() == 0, "host end " + hostEnd + " is gone");
    }

    @Test
    void checkFindsAnInterfaceChangedInsideThePod() throws IOException {
        String list = conflist("1.1.0", "booster-changed");
        Attachment a = new Attachment(id("cg"), netns.add("cg"), "eth0", null);
        ChainOutcome add = runtime.add(list, a);
        String address = podAddress(json(add.stdout()));
        assertEquals(0, runtime.check(list, a).exitCode());

        Netns.exec(a.netns(), "ip", "link", "set", "eth0", "mtu", "1400");
        ChainOutcome mtu = runtime.check(list, a);
        assertEquals(CniError.CHECK_FAILED, json(mtu.stdout()).path("code").asInt(), mtu::stdout);
        assertTrue(json(mtu.stdout()).path("msg").asText().contains("MTU 1400"), mtu::stdout);
        Netns.exec(a.netns(), "ip", "link", "set", "eth0", "mtu", "1500");
        assertEquals(0, runtime.check(list, a).exitCode(), "repaired");

        Netns.exec(a.netns(), "ip", "link", "set", "eth0", "down");
        ChainOutcome down = runtime.check(list, a);
        assertEquals(CniError.CHECK_FAILED, json(down.stdout()).path("code").asInt(), down::stdout);
        assertTrue(json(down.stdout()).path("msg").asText().contains("eth0 is down"), down::stdout);
        Netns.exec(a.netns(), "ip", "link", "set", "eth0", "up");

        Netns.exec(a.netns(), "ip", "addr", "del", address + "/32", "dev", "eth0");
        ChainOutcome gone = runtime.check(list, a);
        assertEquals(CniError.CHECK_FAILED, json(gone.stdout()).path("code").asInt(), gone::stdout);
        assertTrue(json(gone.stdout()).path("msg").asText().contains(address + "/32 is missing"), gone::stdout);
        assertEquals(0, runtime.del(list, a).exitCode());
    }

    @Test
    void everyErrorComesBackThroughTheBinaryWithItsCode() throws IOException {
        String list = conflist("1.0.0", "booster-errors");
        String ns = netns.add("er");
        assertCode(CniError.INVALID_ENVIRONMENT, "CNI_NETNS", runtime.add(list, new Attachment(id("e1"), null, "eth0", null)));
        assertCode(CniError.INVALID_ENVIRONMENT, "does not exist", runtime.add(list, new Attachment(id("e1"), "/var/run/netns/booster-none-" + PID, "eth0", null)));
        assertCode(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME", runtime.add(list, new Attachment(id("e1"), ns, "a-very-long-ifname", null)));
        assertCode(CniError.INVALID_ENVIRONMENT, "CNI_CONTAINERID", runtime.add(list, new Attachment("_bad", ns, "eth0", null)));
        assertCode(CniError.INCOMPATIBLE_VERSION, "0.3.1", runtime.add(list.replace("1.0.0", "0.3.1"), new Attachment(id("e1"), ns, "eth0", null)));
        assertCode(CniError.UNSUPPORTED_FIELD, "bridge", runtime.add(list.replace("\"mtu\":1500", "\"bridge\":\"cni0\""), new Attachment(id("e1"), ns, "eth0", null)));
        assertCode(CniError.INVALID_CONFIG, "host-local-x", runtime.add(list.replace("\"host-local\"", "\"host-local-x\""), new Attachment(id("e1"), ns, "eth0", null)));
        assertCode(CniError.INVALID_CONFIG, "mtu", runtime.add(list.replace("\"mtu\":1500", "\"mtu\":100"), new Attachment(id("e1"), ns, "eth0", null)));
        PluginProcess.Outcome garbage = PluginProcess.run(cniPath.resolve("booster-cni"), Map.of("CNI_COMMAND", "ADD", "BOOSTER_CNI_SOCKET", socket.toString()), "{not json");
        assertEquals(CniError.DECODE_FAILURE, json(garbage.stdout()).path("code").asInt(), garbage::stdout);
        assertTrue(dp.pods().list().isEmpty());
        assertEquals(List.of(), allocations("booster-errors"), "no error left an allocation behind");

        // host-local's own error (a /30 has one usable address after the gateway) comes back with host-local's code
        String tiny = list.replace(SUBNET, "10.252." + (PID % 250) + ".0/30");
        assertEquals(0, runtime.add(tiny, new Attachment(id("t1"), ns, "eth0", null)).exitCode());
        ChainOutcome full = runtime.add(tiny, new Attachment(id("t2"), netns.add("er2"), "eth0", null));
        assertTrue(json(full.stdout()).path("msg").asText().startsWith("IPAM plugin host-local ADD: "), full::stdout);
        assertTrue(json(full.stdout()).path("code").asInt() > 0, full::stdout);
        assertEquals(0, runtime.del(tiny, new Attachment(id("t1"), ns, "eth0", null)).exitCode());
        assertEquals(0, runtime.del(tiny, new Attachment(id("t2"), null, "eth0", null)).exitCode());
    }

    @Test
    void withoutTheAgentThePluginSaysTryAgainLaterAndStatusSaysNotAvailable() throws IOException {
        CniRuntime noAgent = new CniRuntime(cniPath, Map.of("BOOSTER_CNI_SOCKET", node.work.resolve("no-agent.sock").toString()));
        Attachment a = new Attachment(id("na"), netns.add("na"), "eth0", null);
        assertCode(CniError.TRY_AGAIN_LATER, "not running", noAgent.add(conflist("1.0.0", "booster-down"), a));
        assertCode(CniError.NOT_AVAILABLE, "not running", noAgent.network("STATUS", conflist("1.1.0", "booster-down"), Map.of()));
    }

    @Test
    void versionStatusAndGcOn110() throws IOException {
        PluginProcess.Outcome version = PluginProcess.run(cniPath.resolve("booster-cni"), Map.of("CNI_COMMAND", "VERSION", "BOOSTER_CNI_SOCKET", socket.toString()),
                "{\"cniVersion\":\"1.1.0\"}");
        assertEquals("{\"cniVersion\":\"1.1.0\",\"supportedVersions\":[\"0.4.0\",\"1.0.0\",\"1.1.0\"]}", version.stdout());

        String list = conflist("1.1.0", "booster-gc");
        ChainOutcome status = runtime.network("STATUS", list, Map.of());
        assertEquals(0, status.exitCode(), status::stdout);
        assertEquals("", status.stdout());

        Attachment keep = new Attachment(id("gk"), netns.add("gk"), "eth0", null);
        Attachment stale = new Attachment(id("gs"), netns.add("gs"), "eth0", null);
        assertEquals(0, runtime.add(list, keep).exitCode());
        assertEquals(0, runtime.add(list, stale).exitCode());
        assertEquals(2, allocations("booster-gc").size());
        var valid = JsonNodeFactory.instance.arrayNode();
        valid.addObject().put("containerID", keep.containerId()).put("ifname", "eth0");
        ChainOutcome gc = runtime.network("GC", list, Map.of("cni.dev/valid-attachments", valid));
        assertEquals(0, gc.exitCode(), gc::stdout);
        assertEquals(List.of(keep.containerId() + "/eth0"), dp.pods().list().stream().map(p -> p.spec().uid()).toList());
        assertEquals(1, allocations("booster-gc").size(), "host-local (which predates GC) released the stale address through DEL");
        assertFalse(Netns.exec(stale.netns(), "ip", "link").output().contains("eth0"));
        assertEquals(0, runtime.del(list, keep).exitCode());
    }

    private static void assertCode(int code, String mentioned, ChainOutcome outcome) throws IOException {
        assertTrue(outcome.exitCode() != 0, () -> "expected error " + code + ", got success: " + outcome.stdout());
        JsonNode error = json(outcome.stdout());
        assertEquals(code, error.path("code").asInt(), outcome::stdout);
        assertTrue(error.path("msg").asText().contains(mentioned), () -> outcome.stdout() + " does not mention " + mentioned);
    }
}
