package dev.booster.vpp.provider;

import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.Protocol;
import dev.booster.api.service.ServiceEndpoint;
import dev.booster.api.service.ServicePort;
import dev.booster.api.service.ServiceSpec;
import dev.booster.host.link.CommandResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ClusterIP service on a live VPP's cnat plugin: a client pod connects to the VIP with {@code nc} and is answered by
 * the endpoint pods (each {@code nc -lk} server answers with its own name); Maglev spreads the client's connections
 * (a new source port each) over both; removing the service leaves a VIP that answers nothing. Needs
 * {@code BOOSTER_VPP_API_SOCKET}, VPP's cnat plugin and root; leaves VPP with the interfaces and translations it had.
 */
class VppServicesLiveTest {
    private static final String CLIENT = "10.252.1.10";
    private static final String SERVER1 = "10.252.2.21";
    private static final String SERVER2 = "10.252.2.22";
    private static final String VIP = "10.96.0.10";
    private static final int TARGET_PORT = 8080;

    private final String suffix = "-" + ProcessHandle.current().pid();
    private final Map<String, String> netnsByUid = new HashMap<>();
    private TestNamespaces namespaces;
    private VppDataplane vpp;
    private Set<String> interfacesAtStart;
    private String translationsAtStart;

    @BeforeEach
    void open() {
        VppLive.socket();
        VppLive.assumeRoot();
        namespaces = new TestNamespaces("vpps");
        vpp = VppLive.open();
        interfacesAtStart = interfaceNames(vpp);
        translationsAtStart = vpp.interfaces().cli("show cnat translation");
    }

    @AfterEach
    void close() {
        try {
            if (vpp != null) vpp.close(); // removes the services it has
        } finally {
            if (namespaces != null) namespaces.close();
        }
        if (interfacesAtStart != null) {
            try (VppDataplane after = VppLive.open()) {
                // The test's TCP sessions would otherwise stay in cnat's table for its TCP max age (an hour): this
                // VPP is the test's, so all its sessions go (the backend never purges: a VPP may serve others).
                after.client().call(new dev.booster.vpp.binapi.CnatSessionPurge());
                assertEquals(interfacesAtStart, interfaceNames(after), "VPP is left with the interfaces it had");
                assertEquals(translationsAtStart, after.interfaces().cli("show cnat translation"),
                        "and the cnat translations it had");
            }
        }
    }

    @Test
    void aClientReachesBothEndpointsThroughTheVipUntilTheServiceIsRemoved() throws Exception {
        PodAttachment client = attachVeth("client", CLIENT);
        PodAttachment one = attachVeth("one", SERVER1);
        PodAttachment two = attachVeth("two", SERVER2);
        serveName(one, "one");
        serveName(two, "two");
        assertEquals("one", ask(client, SERVER1, TARGET_PORT), "pod to pod without the service");

        ServiceSpec spec = new ServiceSpec("live", "web", List.of(IpAddress.parse(VIP)),
                List.of(new ServicePort("http", Protocol.TCP, 80, List.of(
                        new ServiceEndpoint(IpAddress.parse(SERVER1), TARGET_PORT),
                        new ServiceEndpoint(IpAddress.parse(SERVER2), TARGET_PORT)))),
                null, null, ServiceSpec.LoadBalancing.MAGLEV);
        vpp.services().put(spec);
        assertEquals(List.of(spec), vpp.services().list());
        String shown = vpp.interfaces().cli("show cnat translation");
        assertTrue(shown.contains(VIP) && shown.contains("maglev"), shown);

        Set<String> answers = new TreeSet<>();
        for (int i = 0; i < 12; i++) answers.add(ask(client, VIP, 80));
        answers.remove("");
        assertEquals(Set.of("one", "two"), answers, "Maglev spreads 12 connections over both endpoints");

        // Replaced in place: only endpoint two is left.
        vpp.services().put(new ServiceSpec("live", "web", List.of(IpAddress.parse(VIP)),
                List.of(new ServicePort("http", Protocol.TCP, 80, List.of(
                        new ServiceEndpoint(IpAddress.parse(SERVER2), TARGET_PORT)))),
                null, null, ServiceSpec.LoadBalancing.MAGLEV));
        Set<String> afterReplace = new TreeSet<>();
        for (int i = 0; i < 6; i++) afterReplace.add(ask(client, VIP, 80));
        assertEquals(Set.of("two"), afterReplace, "replaced: only endpoint two answers");

        assertTrue(vpp.services().remove("live", "web"));
        assertFalse(vpp.services().remove("live", "web"), "removed once");
        assertEquals("", ask(client, VIP, 80), "the VIP answers nothing once the service is gone");
        assertEquals(translationsAtStart, vpp.interfaces().cli("show cnat translation"));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private PodAttachment attachVeth(String name, String ip4) {
        String netns = namespaces.add(name);
        PodSpec spec = PodSpec.builder("live", name).uid("live/" + name + suffix)
                .netns(TestNamespaces.path(netns)).addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32")))
                .build();
        netnsByUid.put(spec.uid(), netns);
        return vpp.pods().attach(spec);
    }

    /** {@code pod} answers every TCP connection on the target port with {@code name}. */
    private void serveName(PodAttachment pod, String name) throws InterruptedException {
        namespaces.start(netnsByUid.get(pod.spec().uid()), "sh", "-c",
                "while true; do echo " + name + " | nc -N -4 -l -p " + TARGET_PORT + "; done");
        namespaces.awaitListening(netnsByUid.get(pod.spec().uid()), "tcp", TARGET_PORT);
    }

    /** What a connection from {@code from} to {@code address}:{@code port} is answered ("" if nothing in 2 s). */
    private String ask(PodAttachment from, String address, int port) throws InterruptedException {
        CommandResult result = namespaces.shell(netnsByUid.get(from.spec().uid()),
                "nc -N -w 2 " + address + " " + port + " </dev/null");
        Thread.sleep(100); // the one-shot server loops back to listening
        return result.stdout().strip();
    }

    private static Set<String> interfaceNames(VppDataplane vpp) {
        Set<String> names = new TreeSet<>();
        for (var i : vpp.interfaces().list()) names.add(i.interfaceName());
        return names;
    }
}
