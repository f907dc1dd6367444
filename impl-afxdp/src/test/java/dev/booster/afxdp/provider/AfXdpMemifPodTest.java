package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import dev.booster.testkit.conformance.MemifResponder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A memif pod on the {@code afxdp} provider, reached from a veth pod in a real namespace by the kernel's ping and
 * {@code nc -u}. The memif pod has a namespace of its own and an abstract socket, which exists only there: the
 * dataplane makes it inside, and the pod's application (a Java memif slave that answers pings and echoes UDP) connects
 * from inside.
 */
@Tag("privileged")
class AfXdpMemifPodTest {
    private static final String CLIENT = "10.78.1.1";
    private static final String VNF = "10.78.2.2";
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private TestNamespaces namespaces;
    private String clientNs;
    private String vnfNs;
    private String socket;
    private Dataplane dp;
    private final List<MemifResponder> applications = new ArrayList<>();
    private final List<DataplaneEvent> events = Collections.synchronizedList(new ArrayList<>());
    private String clientUid;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("memif");
        clientNs = namespaces.add("client");
        vnfNs = namespaces.add("vnf");
        long pid = ProcessHandle.current().pid();
        socket = "@booster-test-memif-" + pid;
        clientUid = "test-" + pid + "-memif-client";
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build());
        dp.subscribe(events::add);
    }

    @AfterEach
    void tearDown() {
        try {
            applications.forEach(MemifResponder::close);
            if (dp != null) dp.close();
        } finally {
            new IpLinkManager().deleteLink(Namespace.host(), HostVethNames.of(clientUid, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    private PodAttachment attachClient() {
        return dp.pods().attach(PodSpec.builder("edge", "client").uid(clientUid).labels(Map.of("app", "client"))
                .netns(TestNamespaces.path(clientNs)).addInterface(Veth.of("eth0", InterfaceAddress.parse(CLIENT + "/32"))).build());
    }

    private Memif memif() {
        return new Memif("memif0", List.of(InterfaceAddress.parse(VNF + "/32")), List.of(), 1500, Optional.empty(), Memif.Role.MASTER,
                socket, 0, 1, 1024, Memif.Mode.ETHERNET, Optional.empty());
    }

    private PodAttachment attachVnf() {
        return dp.pods().attach(PodSpec.builder("core", "upf").labels(Map.of("app", "upf")).netns(TestNamespaces.path(vnfNs))
                .addInterface(memif()).build());
    }

    /** The pod's application, started inside the pod's namespace, where the abstract socket is. */
    private MemifResponder startApplication() {
        MemifResponder application = NetnsThreads.supply(TestNamespaces.path(vnfNs), () -> MemifResponder.start(memif()));
        applications.add(application);
        assertTrue(application.awaitConnected(CONNECT), "the application connected from the pod's namespace");
        return application;
    }

    private CommandResult ping(int count) {
        return namespaces.exec(clientNs, "ping", "-c", String.valueOf(count), "-W", "2", "-i", "0.2", VNF);
    }

    private String udpEcho(String text) {
        return namespaces.shell(clientNs, "echo " + text + " | nc -u -w 2 " + VNF + " 2152").stdout().trim();
    }

    private static void assertSucceeded(CommandResult r) {
        assertEquals(0, r.exitCode(), () -> r.command() + " failed:\n" + r.stdout() + r.stderr());
    }

    @Test
    void theKernelOfAVethPodPingsAndTalksUdpToAMemifPodsApplication() {
        assertTrue(dp.capabilities().contains(Capability.MEMIF));
        attachClient();
        PodAttachment vnf = attachVnf();
        String name = socket.substring(1);
        assertTrue(namespaces.exec(vnfNs, "ss", "-xlH").stdout().contains(name), "the abstract socket is in the pod's namespace");
        assertFalse(namespaces.shell(clientNs, "ss -xlH").stdout().contains(name), "and only there");
        MemifResponder application = startApplication();

        assertSucceeded(ping(3));
        assertEquals("hello-memif", udpEcho("hello-memif"), "nc got its datagram back from the memif application");
        assertTrue(application.answered() >= 4, "3 pings and a datagram answered: " + application.answered());

        int index = vnf.interfaces().getFirst().index();
        InterfaceCounters counters = dp.stats().interfaces().stream().filter(c -> c.index() == index).findFirst().orElseThrow();
        assertTrue(counters.txPackets() >= 4 && counters.rxPackets() >= 4, counters.toString());
        assertEquals(socket, counters.name());
    }

    @Test
    void whenTheApplicationRestartsTheLinkGoesDownAndTrafficResumes() {
        attachClient();
        attachVnf();
        MemifResponder first = startApplication();
        assertSucceeded(ping(1));
        first.close();
        applications.remove(first);
        assertTrue(waitForLinkEvents(List.of(true, false)), "down: " + events);
        assertEquals(1, ping(1).exitCode(), "no answer while nobody is connected");

        startApplication();
        assertTrue(waitForLinkEvents(List.of(true, false, true)), "up again: " + events);
        assertSucceeded(ping(2));
        assertEquals("again", udpEcho("again"));
    }

    @Test
    void detachingRemovesTheSocketFromThePodsNamespaceAndLeaksNothing() {
        attachClient();
        Map<String, Integer> descriptorsBefore = ProcessResources.openDescriptorKinds();
        for (int cycle = 0; cycle < 3; cycle++) {
            PodAttachment vnf = attachVnf();
            MemifResponder application = startApplication();
            assertSucceeded(ping(1));
            vnf.detach();
            application.close();
            applications.remove(application);
        }
        assertFalse(namespaces.exec(vnfNs, "ss", "-xlH").stdout().contains(socket.substring(1)), "the socket is gone");
        Map<String, Integer> after = ProcessResources.openDescriptorKinds();
        assertEquals(descriptorsBefore.getOrDefault("socket", 0), after.getOrDefault("socket", 0), "sockets: " + after);
        assertTrue(ProcessResources.total(after) - ProcessResources.total(descriptorsBefore) < 5, descriptorsBefore + " -> " + after);
    }

    @Test
    void aMemifPodWhoseNamespaceIsGoneIsRefusedNamingTheField() {
        PodSpec spec = PodSpec.builder("core", "ghost").netns(Path.of("/var/run/netns/booster-test-no-such-" + ProcessHandle.current().pid()))
                .addInterface(memif()).build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(spec));
        assertEquals("netns", e.field());
        assertEquals(List.of(), dp.pods().list());
    }

    private boolean waitForLinkEvents(List<Boolean> expected) {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Boolean> seen;
            synchronized (events) {
                seen = events.stream().filter(e -> e instanceof DataplaneEvent.InterfaceStateChanged)
                        .map(e -> ((DataplaneEvent.InterfaceStateChanged) e).up()).toList();
            }
            if (seen.equals(expected)) return true;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
