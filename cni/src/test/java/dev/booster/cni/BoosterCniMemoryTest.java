package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.Tap;
import dev.booster.cni.testing.FakeIpam;
import dev.booster.cni.testing.ScratchNetns;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handler's logic on provider {@code memory}, with a scripted IPAM plugin and namespaces made by unshare. */
class BoosterCniMemoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path pluginDir;
    private Dataplane dp;
    private FakeIpam ipam;
    private ScratchNetns netns;
    private BoosterCni cni;
    /** What the fake inspector reports for the pod's interface; null: as Booster attached it. */
    private final AtomicReference<Optional<InterfaceInspector.ObservedInterface>> kernelSays = new AtomicReference<>();

    @BeforeEach
    void open() {
        dp = Dataplanes.open(DataplaneConfig.builder().provider("memory").nodeName("node-1").build());
        ipam = new FakeIpam(pluginDir);
        netns = ScratchNetns.start();
        cni = BoosterCni.builder(dp).inspector(this::inspect).build();
    }

    @AfterEach
    void close() {
        dp.close();
        netns.close();
    }

    /** The memory provider makes no kernel interface: the attachment stands in for it unless a test changes it. */
    private Optional<InterfaceInspector.ObservedInterface> inspect(Path ns, String ifName) {
        if (kernelSays.get() != null) return kernelSays.get();
        return dp.pods().list().stream().flatMap(p -> p.interfaces().stream()).filter(i -> i.spec().name().equals(ifName)).findFirst()
                .map(i -> new InterfaceInspector.ObservedInterface(ifName, i.podMac().toString(), i.spec().mtu(), true, i.addresses()));
    }

    private Map<String, String> env(String command, String containerId, String ifName) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns.path().toString());
        env.put("CNI_IFNAME", ifName);
        env.put("CNI_PATH", pluginDir.toString());
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-0");
        return env;
    }

    private static String config(String version, String extra) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"boosternet\",\"type\":\"booster-cni\",\"ipam\":{\"type\":\"" + FakeIpam.TYPE + "\"}"
                + extra + "}";
    }

    private CniResponse run(Map<String, String> env, String stdin) {
        return cni.handle(env, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(CniResponse r) throws IOException {
        return JSON.readTree(r.stdout());
    }

    private static CniError error(CniResponse r) {
        return assertInstanceOf(CniError.class, r, () -> "expected an error, got " + r.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.4.0", "1.0.0", "1.1.0"})
    void addAnswersTheResultShapedAsTheVersionSays(String version) throws IOException {
        CniResponse r = run(env("ADD", "c1", "eth0"), config(version, ""));
        assertInstanceOf(CniResult.class, r, r::stdout);
        assertEquals(0, r.exitCode());
        JsonNode out = json(r);
        assertEquals(version, out.path("cniVersion").asText());
        assertEquals(2, out.path("interfaces").size(), "host end and pod end");
        JsonNode pod = out.path("interfaces").get(1);
        assertEquals("eth0", pod.path("name").asText());
        assertEquals(netns.path().toString(), pod.path("sandbox").asText());
        assertFalse(out.path("interfaces").get(0).has("sandbox"), "the host end has no sandbox");
        assertEquals(version.equals("1.1.0"), pod.has("mtu"), "interface mtu exists from 1.1.0 on");
        JsonNode ip = out.path("ips").get(0);
        assertEquals("10.22.0.5/32", ip.path("address").asText(), "the IPAM address as a host address, Calico style");
        assertEquals("169.254.1.1", ip.path("gateway").asText());
        assertEquals(1, ip.path("interface").asInt());
        assertEquals(version.equals("0.4.0"), ip.has("version"), "ips carry version in 0.4.0 only");
        if (version.equals("0.4.0")) assertEquals("4", ip.path("version").asText());
        assertEquals("0.0.0.0/0", out.path("routes").get(0).path("dst").asText());
        assertEquals("169.254.1.1", out.path("routes").get(0).path("gw").asText());
        assertEquals("10.96.0.10", out.path("dns").path("nameservers").get(0).asText(), "the IPAM plugin's DNS");

        PodAttachment pod0 = dp.pods().get("c1/eth0").orElseThrow();
        assertEquals("shop", pod0.spec().namespace());
        assertEquals("web-0", pod0.spec().name());
        assertEquals(List.of(InterfaceAddress.parse("10.22.0.5/32")), pod0.interfaces().getFirst().addresses());
        assertEquals(List.of("ADD"), ipam.commands());
    }

    @Test
    void theConfigurationsDnsIsUsedWhenIpamGivesNone() throws IOException {
        ipam.result("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.22.0.5/24\"}]}");
        JsonNode out = json(run(env("ADD", "c1", "eth0"), config("1.0.0", ",\"dns\":{\"nameservers\":[\"10.0.0.53\"],\"search\":[\"svc\"]}")));
        assertEquals("10.0.0.53", out.path("dns").path("nameservers").get(0).asText());
        assertEquals("svc", out.path("dns").path("search").get(0).asText());
    }

    @Test
    void ipamIsHandedTheWholeConfigAndTheSameEnvironment() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ",\"mtu\":1400"));
        String call = ipam.calls().getFirst();
        assertTrue(call.startsWith("ADD c1 eth0 {"), call);
        assertTrue(call.contains("\"mtu\":1400") && call.contains("\"name\":\"boosternet\""), call);
    }

    @Test
    void aSecondAddOfTheSameAttachmentReturnsTheFirstResultAndAllocatesNothing() {
        CniResponse first = run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        CniResponse second = run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        assertEquals(first.stdout(), second.stdout());
        assertEquals(List.of("ADD"), ipam.commands());
        assertEquals(1, dp.pods().list().size());
    }

    @Test
    void anAddOfTheSameAttachmentInAnotherNamespaceIsAConflict() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        try (ScratchNetns other = ScratchNetns.start()) {
            Map<String, String> env = env("ADD", "c1", "eth0");
            env.put("CNI_NETNS", other.path().toString());
            CniError e = error(run(env, config("1.0.0", "")));
            assertEquals(CniError.ATTACHMENT_CONFLICT, e.code());
            assertTrue(e.msg().contains("c1/eth0"), e.msg());
        }
    }

    @Test
    void delDetachesAndReleasesAndIsIdempotent() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        CniResponse del = run(env("DEL", "c1", "eth0"), config("1.0.0", ""));
        assertEquals(0, del.exitCode(), del::stdout);
        assertEquals("", del.stdout());
        assertTrue(dp.pods().list().isEmpty());
        assertEquals(0, run(env("DEL", "c1", "eth0"), config("1.0.0", "")).exitCode());
        assertEquals(List.of("ADD", "DEL", "DEL"), ipam.commands(), "IPAM DEL runs every time: it may hold what Booster forgot");
    }

    @Test
    void delOfAnUnknownContainerSucceedsAndStillReleasesItsAddresses() {
        assertEquals(0, run(env("DEL", "never-added", "eth0"), config("1.0.0", "")).exitCode());
        assertEquals(List.of("DEL"), ipam.commands());
    }

    @Test
    void delAfterTheNamespaceIsGoneSucceeds() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        Map<String, String> del = env("DEL", "c1", "eth0");
        netns.close();
        assertFalse(Files.exists(Path.of(del.get("CNI_NETNS"))));
        assertEquals(0, run(del, config("1.0.0", "")).exitCode());
        assertTrue(dp.pods().list().isEmpty());
        del.remove("CNI_NETNS");
        assertEquals(0, run(del, config("1.0.0", "")).exitCode(), "CNI_NETNS is optional for DEL");
    }

    @Test
    void checkPassesForTheAddedAttachmentAndRunsIpamCheck() {
        CniResponse add = run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        CniResponse check = run(env("CHECK", "c1", "eth0"), config("1.0.0", ",\"prevResult\":" + add.stdout()));
        assertEquals(0, check.exitCode(), check::stdout);
        assertEquals(List.of("ADD", "CHECK"), ipam.commands());
    }

    @Test
    void checkFailsWhenTheInterfaceChangedBehindBoostersBack() throws IOException {
        CniResponse add = run(env("ADD", "c1", "eth0"), config("1.1.0", ""));
        String prev = ",\"prevResult\":" + add.stdout();
        String mac = json(add).path("interfaces").get(1).path("mac").asText();
        List<InterfaceAddress> address = List.of(InterfaceAddress.parse("10.22.0.5/32"));

        kernelSays.set(Optional.of(new InterfaceInspector.ObservedInterface("eth0", mac, 1500, true, List.of())));
        CniError missingAddress = error(run(env("CHECK", "c1", "eth0"), config("1.1.0", prev)));
        assertEquals(CniError.CHECK_FAILED, missingAddress.code());
        assertTrue(missingAddress.msg().contains("10.22.0.5/32 is missing"), missingAddress.msg());

        kernelSays.set(Optional.of(new InterfaceInspector.ObservedInterface("eth0", "02:00:00:00:00:99", 1500, true, address)));
        assertTrue(error(run(env("CHECK", "c1", "eth0"), config("1.1.0", prev))).msg().contains("MAC"));

        kernelSays.set(Optional.of(new InterfaceInspector.ObservedInterface("eth0", mac, 1400, true, address)));
        assertTrue(error(run(env("CHECK", "c1", "eth0"), config("1.1.0", prev))).msg().contains("MTU 1400, prevResult says 1500"));

        kernelSays.set(Optional.of(new InterfaceInspector.ObservedInterface("eth0", mac, 1500, false, address)));
        assertTrue(error(run(env("CHECK", "c1", "eth0"), config("1.1.0", prev))).msg().contains("down"));

        kernelSays.set(Optional.empty());
        assertTrue(error(run(env("CHECK", "c1", "eth0"), config("1.1.0", prev))).msg().contains("missing from"));
        assertEquals(List.of("ADD"), ipam.commands(), "IPAM CHECK only once Booster's own checks pass");
    }

    @Test
    void checkAllowsALaterPluginToChangeTheMtuWhenPrevResultDoesNotStateIt() {
        CniResponse add = run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        String mac = dp.pods().get("c1/eth0").orElseThrow().interfaces().getFirst().podMac().toString();
        kernelSays.set(Optional.of(new InterfaceInspector.ObservedInterface("eth0", mac, 1400, true, List.of(InterfaceAddress.parse("10.22.0.5/32")))));
        CniResponse check = run(env("CHECK", "c1", "eth0"), config("1.0.0", ",\"prevResult\":" + add.stdout()));
        assertEquals(0, check.exitCode(), check::stdout);
    }

    @Test
    void anAddAfterTheNamespaceWasDeletedWithoutDelStartsAfresh() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        netns.close();
        try (ScratchNetns next = ScratchNetns.start()) {
            Map<String, String> env = env("ADD", "c1", "eth0");
            env.put("CNI_NETNS", next.path().toString());
            CniResponse again = run(env, config("1.0.0", ""));
            assertEquals(0, again.exitCode(), again::stdout);
            assertEquals(next.path(), dp.pods().get("c1/eth0").orElseThrow().spec().netns().orElseThrow());
            assertEquals(List.of("ADD", "DEL", "ADD"), ipam.commands(), "the stale attachment's addresses were released first");
        }
    }

    @Test
    void checkFailsWhenPrevResultDisagreesWithTheAttachment() {
        run(env("ADD", "c1", "eth0"), config("1.0.0", ""));
        String otherPrev = ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"" + netns.path()
                + "\"}],\"ips\":[{\"address\":\"10.22.0.99/32\",\"interface\":0}]}";
        CniError e = error(run(env("CHECK", "c1", "eth0"), config("1.0.0", otherPrev)));
        assertEquals(CniError.CHECK_FAILED, e.code());
        assertTrue(e.msg().contains("10.22.0.99/32"), e.msg());
    }

    @Test
    void checkNeedsPrevResultAndAKnownContainer() {
        CniError noPrev = error(run(env("CHECK", "c1", "eth0"), config("1.0.0", "")));
        assertEquals(CniError.INVALID_CONFIG, noPrev.code());
        assertTrue(noPrev.msg().contains("prevResult"), noPrev.msg());
        CniError unknown = error(run(env("CHECK", "nobody", "eth0"), config("1.0.0",
                ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}]}")));
        assertEquals(CniError.UNKNOWN_CONTAINER, unknown.code());
    }

    @Test
    void prevResultIsPassedThroughWithBoostersInterfacesAppended() throws IOException {
        String prev = ",\"prevResult\":{\"cniVersion\":\"1.1.0\",\"interfaces\":[{\"name\":\"lo\",\"sandbox\":\"" + netns.path()
                + "\"}],\"ips\":[{\"address\":\"127.0.0.1/8\",\"interface\":0}],\"routes\":[{\"dst\":\"10.99.0.0/16\",\"priority\":5}],"
                + "\"dns\":{\"search\":[\"svc.cluster.local\"]}}";
        JsonNode out = json(run(env("ADD", "c1", "eth0"), config("1.1.0", prev)));
        assertEquals(List.of("lo", "eth0"), List.of(out.path("interfaces").get(0).path("name").asText(), out.path("interfaces").get(2).path("name").asText()));
        assertEquals(0, out.path("ips").get(0).path("interface").asInt());
        assertEquals(2, out.path("ips").get(1).path("interface").asInt(), "Booster's indexes shift past the previous interfaces");
        assertEquals(5, out.path("routes").get(0).path("priority").asInt(), "1.1.0 route attributes survive");
        assertEquals("svc.cluster.local", out.path("dns").path("search").get(0).asText(), "the previous DNS settings stay where Booster adds none");
        assertEquals("10.96.0.10", out.path("dns").path("nameservers").get(0).asText(), "and IPAM's nameservers are added");
    }

    @Test
    void versionEchoesTheAskedVersionWithTheSupportedOnes() throws IOException {
        JsonNode out = json(run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}"));
        assertEquals("1.0.0", out.path("cniVersion").asText());
        assertEquals(List.of("0.4.0", "1.0.0", "1.1.0"), JSON.convertValue(out.path("supportedVersions"), List.class));
        assertEquals("1.1.0", json(run(Map.of("CNI_COMMAND", "VERSION"), "")).path("cniVersion").asText());
    }

    @Test
    void statusIsReadyWhileTheDataplaneAnswersAndTheIpamPluginIsThere() {
        ipam.speak110();
        assertEquals(0, run(env("STATUS", "", ""), config("1.1.0", "")).exitCode());
        assertEquals(List.of("STATUS"), ipam.commands(), "STATUS is forwarded to an IPAM plugin that speaks 1.1.0");
        ipam.failWith("{\"cniVersion\":\"1.1.0\",\"code\":50,\"msg\":\"pool exhausted\"}");
        CniError exhausted = error(run(env("STATUS", "", ""), config("1.1.0", "")));
        assertEquals(CniError.NOT_AVAILABLE, exhausted.code());
        assertTrue(exhausted.msg().contains("pool exhausted"), exhausted.msg());
        dp.close();
        assertEquals(CniError.NOT_AVAILABLE, error(run(env("STATUS", "", ""), config("1.1.0", ""))).code());
    }

    @Test
    void statusIsNotAvailableWhenTheIpamPluginIsMissing() {
        CniError e = error(run(env("STATUS", "", ""), config("1.1.0", "").replace(FakeIpam.TYPE, "no-such-ipam")));
        assertEquals(CniError.NOT_AVAILABLE, e.code());
        assertTrue(e.msg().contains("no-such-ipam"), e.msg());
    }

    @Test
    void gcRemovesTheAttachmentsMissingFromTheValidListAndForwardsGc() {
        ipam.speak110();
        run(env("ADD", "keep", "eth0"), config("1.1.0", ""));
        run(env("ADD", "stale", "eth0"), config("1.1.0", ""));
        CniResponse gc = run(env("GC", "", ""), config("1.1.0", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"eth0\"}]"));
        assertEquals(0, gc.exitCode(), gc::stdout);
        assertEquals(List.of("keep/eth0"), dp.pods().list().stream().map(p -> p.spec().uid()).toList());
        assertEquals(List.of("ADD", "ADD", "DEL", "GC"), ipam.commands());
        assertTrue(ipam.calls().get(2).startsWith("DEL stale eth0"), ipam.calls().get(2));
        CniError noList = error(run(env("GC", "", ""), config("1.1.0", "")));
        assertEquals(CniError.INVALID_CONFIG, noList.code());
        assertTrue(noList.msg().contains("cni.dev/valid-attachments"), noList.msg());
    }

    @Test
    void statusAndGcDoNotExistBefore110() {
        CniError e = error(run(env("STATUS", "", ""), config("1.0.0", "")));
        assertEquals(CniError.INCOMPATIBLE_VERSION, e.code());
        assertEquals("1.0.0", e.cniVersion());
    }

    @Test
    void anIpamErrorIsPassedOnWithItsCode() {
        ipam.failWith("{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"no IP addresses available in range set\"}");
        CniError e = error(run(env("ADD", "c1", "eth0"), config("1.0.0", "")));
        assertEquals(7, e.code());
        assertTrue(e.msg().contains("no IP addresses available"), e.msg());
        assertTrue(dp.pods().list().isEmpty());
    }

    @Test
    void anIpamPluginThatPrintsNoErrorIsReportedAsSuch() {
        ipam.failWith("segfault");
        CniError e = error(run(env("ADD", "c1", "eth0"), config("1.0.0", "")));
        assertEquals(CniError.DELEGATE_FAILED, e.code());
        assertTrue(e.details().contains("segfault"), e.details());
    }

    @Test
    void aMemifAskedForIsAttachedBesideTheVethAndReported() throws IOException {
        // the memory provider has memif pods since the engine makes memif ports for every backend
        JsonNode out = json(run(env("ADD", "c1", "eth0"), config("1.0.0", ",\"runtimeConfig\":{\"booster.dev/memif\":\"true\"}")));
        PodAttachment pod = dp.pods().get("c1/eth0").orElseThrow();
        assertInstanceOf(Memif.class, pod.spec().interfaces().get(1));
        assertEquals("memif0", pod.spec().interfaces().get(1).name());
        assertTrue(stream(out.path("interfaces")).anyMatch(i -> i.path("name").asText().equals("memif0")), out.toString());
        run(env("DEL", "c1", "eth0"), config("1.0.0", ""));
        assertTrue(dp.pods().list().isEmpty(), "DEL removes the memif with the pod");
        assertEquals(List.of("ADD", "DEL"), ipam.commands());
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    @Test
    void memifPortSteeringIsRefusedBeforeAnythingIsAllocated() {
        CniError e = error(run(env("ADD", "c1", "eth0"), config("1.0.0", ",\"args\":{\"cni\":{\"booster.dev/memif\":\"tcp:4444-20000\"}}")));
        assertEquals(CniError.UNSUPPORTED_FIELD, e.code());
        assertTrue(e.msg().contains("booster.dev/memif=tcp:4444-20000"), e.msg());
        assertTrue(ipam.calls().isEmpty());
    }

    @Test
    void extraInterfacesFromAPodAnnotationAreAttachedAndReported() throws IOException {
        cni = BoosterCni.builder(dp).inspector(this::inspect).podMetadata((ns, name) -> Optional.of(new PodMetadataSource.PodMetadata(
                Map.of("app", "web"), Map.of("booster.dev/interfaces", "[{\"type\":\"tap\",\"name\":\"tap1\",\"addresses\":[\"10.30.0.2/32\"],\"mtu\":1500,\"queues\":1}]"),
                List.of()))).build();
        JsonNode out = json(run(env("ADD", "c1", "eth0"), config("1.0.0", "")));
        PodAttachment pod = dp.pods().get("c1/eth0").orElseThrow();
        assertEquals(Map.of("app", "web"), pod.spec().labels());
        assertInstanceOf(Tap.class, pod.spec().interfaces().get(1));
        assertEquals(4, out.path("interfaces").size());
        assertEquals("tap1", out.path("interfaces").get(3).path("name").asText());
        assertEquals("10.30.0.2/32", out.path("ips").get(1).path("address").asText());
        assertEquals(3, out.path("ips").get(1).path("interface").asInt());
    }

    @Test
    void aBadInterfacesAnnotationNamesTheKey() {
        CniError e = error(run(env("ADD", "c1", "eth0"), config("1.0.0", ",\"runtimeConfig\":{\"booster.dev/interfaces\":[{\"type\":\"tap\",\"name\":\"this-name-is-far-too-long\"}]}")));
        assertEquals(CniError.INVALID_CONFIG, e.code());
        assertTrue(e.msg().contains("runtimeConfig booster.dev/interfaces"), e.msg());
        assertTrue(ipam.calls().isEmpty());
    }
}
