package dev.booster.vpp.provider;

import dev.booster.host.link.CommandResult;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.DataplaneException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Veth pods in network namespaces talking through a live VPP (af_packet on the veths' host ends), with the tools a
 * user would use: {@code ip}, {@code ping} and {@code nc} inside the pods. Addresses and routes on both sides, ICMP
 * and TCP over IPv4 and IPv6, counters moving with the traffic, a NetworkPolicy allowing only TCP/8080 from a to b and
 * its replacement, a tap refused for want of /dev/vhost-net, and a VPP restart ({@code BOOSTER_VPP_RESTART_COMMAND})
 * after which pods and policy are back. Needs {@code BOOSTER_VPP_API_SOCKET} and root; each test leaves VPP with the
 * interfaces it had and deletes its namespaces, whatever happened.
 */
class VppPodTrafficLiveTest {
    private static final String A4 = "10.251.1.10";
    private static final String A6 = "fd00:251:1::10";
    private static final String B4 = "10.251.2.20";
    private static final String B6 = "fd00:251:2::20";
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(120);

    private final String suffix = "-" + ProcessHandle.current().pid();
    private final Map<String, String> netnsByUid = new HashMap<>();
    private TestNamespaces namespaces;
    private VppDataplane vpp;
    private Set<String> vppInterfacesAtStart;

    @BeforeEach
    void open() {
        VppLive.socket();
        VppLive.assumeRoot();
        namespaces = new TestNamespaces("vppt");
        vpp = VppLive.open();
        vppInterfacesAtStart = allInterfaceNames(vpp);
    }

    @AfterEach
    void close() {
        try {
            if (vpp != null) vpp.close();
        } finally {
            if (namespaces != null) namespaces.close();
        }
        if (vppInterfacesAtStart != null) {
            try (VppDataplane after = VppLive.open()) {
                assertEquals(vppInterfacesAtStart, allInterfaceNames(after), "VPP is left with the interfaces it had");
            }
        }
    }

    @Test
    void vethPodsGetAddressesAndRoutesAndExchangeIcmpAndTcpThroughVppWhichCountsIt() throws Exception {
        PodAttachment a = attachVeth("a", A4, A6);
        PodAttachment b = attachVeth("b", B4, B6);
        String aHost = a.interfaces().getFirst().hostName();
        String bHost = b.interfaces().getFirst().hostName();

        // VPP's side: an af_packet interface per veth, up, with a host route to the pod's addresses through it.
        assertTrue(allInterfaceNames(vpp).containsAll(List.of("host-" + aHost, "host-" + bHost)), allInterfaceNames(vpp).toString());
        assertTrue(vpp.interfaces().cli("show ip fib " + B4 + "/32").contains("host-" + bHost), "IPv4 route to b");
        assertTrue(vpp.interfaces().cli("show ip6 fib " + B6 + "/128").contains("host-" + bHost), "IPv6 route to b");
        // The pod's side: its addresses, default routes via the gateway VPP owns.
        assertTrue(inPod(a, "ip -4 addr show dev eth0").contains(A4 + "/32"));
        assertTrue(inPod(a, "ip -6 addr show dev eth0").contains(A6 + "/128"));
        assertTrue(inPod(a, "ip -4 route show default").contains("via " + VppGateway.IP4));
        assertTrue(inPod(a, "ip -6 route show default").contains("via " + VppGateway.IP6));

        InterfaceCounters aBefore = counters(a);
        InterfaceCounters bBefore = counters(b);
        assertTrue(ping(a, B4, 3), "a -> b ICMP");
        assertTrue(ping(b, A4, 1), "b -> a ICMP");
        assertTrue(ping(a, B6, 3), "a -> b ICMPv6");
        assertTrue(ping(b, A6, 1), "b -> a ICMPv6");
        assertFalse(ping(a, "10.251.9.99", 1), "an address no pod has answers nothing");

        assertEquals("hello from b", tcpExchange(a, b, B4, 8080, "hello from a"), "TCP over IPv4 through VPP");
        assertEquals("hello from b", tcpExchange(a, b, B6, 8081, "hello from a"), "TCP over IPv6 through VPP");

        // Pings alone are 3 + 3 echo requests from a and as many replies to it; TCP adds more; the kernels add ND/MLD.
        InterfaceCounters aAfter = counters(a);
        InterfaceCounters bAfter = counters(b);
        assertTrue(aAfter.rxPackets() - aBefore.rxPackets() >= 10, aBefore + " -> " + aAfter);
        assertTrue(aAfter.txPackets() - aBefore.txPackets() >= 10, aBefore + " -> " + aAfter);
        assertTrue(aAfter.rxBytes() - aBefore.rxBytes() >= 10 * 64, aBefore + " -> " + aAfter);
        assertTrue(bAfter.rxPackets() - bBefore.rxPackets() >= 10, bBefore + " -> " + bAfter);
        assertTrue(bAfter.txPackets() - bBefore.txPackets() >= 10, bBefore + " -> " + bAfter);
        assertEquals(a.spec().uid(), aAfter.podUid());

        a.detach();
        assertFalse(allInterfaceNames(vpp).contains("host-" + aHost), "a's af_packet interface is gone");
        assertFalse(vpp.interfaces().cli("show ip fib " + A4 + "/32").contains("host-" + aHost), "and its route");
        assertFalse(ping(b, A4, 1), "a detached answers nothing");
        assertTrue(ping(b, "169.254.1.1", 1), "b still reaches its gateway");
    }

    @Test
    void aPolicyAllowingOnlyTcp8080FromAToBIsEnforcedStatefullyAndReplaced() throws Exception {
        PodAttachment a = attachVeth("a", A4, A6);
        PodAttachment b = attachVeth("b", B4, B6);
        listen(a, 8080);
        listen(b, 8080);
        listen(b, 9090);
        assertTrue(tcpConnects(a, B4, 9090), "open before any policy");

        long deniedBefore = vpp.stats().drops("policy-deny");
        vpp.policies().apply(PolicySet.of(bAcceptsTcpFromA(8080), aAcceptsNothing()));
        // a accepts no connection at all: its SYN-ACKs come back only because VPP keeps the connection's state.
        assertTrue(tcpConnects(a, B4, 8080), "a -> b TCP/8080 is allowed, and its replies flow back to a");
        assertTrue(tcpConnects(a, B6, 8080), "over IPv6 too");
        assertFalse(tcpConnects(a, B4, 9090), "a -> b TCP/9090 is not");
        assertFalse(tcpConnects(a, B6, 9090), "nor over IPv6");
        assertFalse(tcpConnects(b, A4, 8080), "b -> a: a accepts nothing");
        assertFalse(ping(a, B4, 1), "ICMP into b is not allowed");
        assertTrue(vpp.stats().drops("policy-deny") - deniedBefore >= 4, "the acl plugin counted its denies");

        vpp.policies().apply(PolicySet.of(bAcceptsTcpFromA(9090), aAcceptsNothing()));
        assertTrue(tcpConnects(a, B4, 9090), "replaced: TCP/9090 is allowed");
        assertFalse(tcpConnects(a, B4, 8080), "and TCP/8080 no longer");

        vpp.policies().apply(PolicySet.EMPTY);
        assertTrue(tcpConnects(a, B4, 8080), "no policy: open again");
        assertTrue(tcpConnects(b, A4, 8080));
        assertTrue(ping(a, B4, 1));
    }

    @Test
    void aTapPodIsRefusedSayingVppNeedsVhostNet() {
        VppLive.skipUnless(!Files.exists(Path.of("/dev/vhost-net")), "this machine has /dev/vhost-net: VPP's tap"
                + " works here, the test of its refusal does not apply");
        String netns = namespaces.add("tap");
        PodSpec spec = PodSpec.builder("live", "tap").uid("live/tap" + suffix).netns(TestNamespaces.path(netns))
                .addInterface(Tap.of("eth0", InterfaceAddress.parse(A4 + "/32"))).build();

        DataplaneException refused = assertThrows(DataplaneException.class, () -> vpp.pods().attach(spec));
        assertTrue(refused.getMessage().contains("/dev/vhost-net"), refused.getMessage());
        assertTrue(refused.getMessage().contains("-11"), refused.getMessage());
        assertEquals(List.of(), vpp.pods().list());
        assertFalse(namespaces.exec(netns, "ip", "link", "show", "eth0").succeeded(), "no pod interface was left");
    }

    @Test
    void afterAVppRestartPodsAndPolicyAreBackAndTrafficFlows() throws Exception {
        String restart = VppLive.restartCommand().orElse(null);
        VppLive.skipUnless(restart != null, "no " + VppLive.RESTART_VARIABLE + ": set it to a shell command that"
                + " restarts VPP and returns once its API socket is back (e.g. 'systemctl restart vpp') to test"
                + " surviving a VPP restart");
        PodAttachment a = attachVeth("a", A4, A6);
        PodAttachment b = attachVeth("b", B4, B6);
        listen(b, 8080);
        listen(b, 9090);
        vpp.policies().apply(PolicySet.of(bAcceptsTcpFromA(8080), aAcceptsNothing()));
        assertTrue(tcpConnects(a, B4, 8080));
        LinkedBlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();
        vpp.subscribe(events::add);

        Process restarting = new ProcessBuilder("sh", "-c", restart).inheritIO().start();
        assertTrue(restarting.waitFor(RESTART_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "'" + restart + "' ended");
        assertEquals(0, restarting.exitValue(), "'" + restart + "' succeeded");
        assertInstanceOf(DataplaneEvent.BackendLost.class, nextBackendEvent(events));
        assertInstanceOf(DataplaneEvent.BackendRestored.class, nextBackendEvent(events));

        String bHost = b.interfaces().getFirst().hostName();
        assertTrue(allInterfaceNames(vpp).contains("host-" + bHost), "b's af_packet interface is made again");
        assertTrue(b.interfaces().getFirst().index() >= 0);
        InterfaceCounters before = counters(b);
        assertTrue(tcpConnects(a, B4, 8080), "after the restart TCP/8080 flows again");
        assertTrue(tcpConnects(a, B6, 8080), "over IPv6 too");
        assertFalse(tcpConnects(a, B4, 9090), "and the policy is back: TCP/9090 is denied");
        assertTrue(counters(b).txPackets() > before.txPackets(), "the new VPP counts b's traffic");

        vpp.policies().apply(PolicySet.EMPTY);
        assertTrue(ping(a, B4, 1), "a -> b ICMP on the restarted VPP");
        assertTrue(ping(b, A6, 1), "b -> a ICMPv6 on the restarted VPP");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private PodAttachment attachVeth(String name, String ip4, String ip6) {
        String netns = namespaces.add(name);
        PodSpec spec = PodSpec.builder("live", name).uid("live/" + name + suffix).labels(Map.of("app", name))
                .netns(TestNamespaces.path(netns)).addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"),
                        InterfaceAddress.parse(ip6 + "/128"))).build();
        netnsByUid.put(spec.uid(), netns);
        return vpp.pods().attach(spec);
    }

    private String netns(PodAttachment pod) {
        return netnsByUid.get(pod.spec().uid());
    }

    private String inPod(PodAttachment pod, String commandLine) {
        return namespaces.shell(netns(pod), commandLine).orThrow().stdout();
    }

    private boolean ping(PodAttachment from, String to, int count) {
        return namespaces.exec(netns(from), "ping", to.contains(":") ? "-6" : "-4", "-c", String.valueOf(count),
                "-i", "0.2", "-W", "2", to).succeeded();
    }

    /** {@code from} sends {@code message} to a one-shot {@code nc} listener in {@code to}, which answers "hello from b". */
    private String tcpExchange(PodAttachment from, PodAttachment to, String address, int port, String message)
            throws InterruptedException {
        String family = address.contains(":") ? "-6" : "-4";
        TestNamespaces.Background server = namespaces.start(netns(to), "sh", "-c",
                "echo 'hello from b' | nc -N " + family + " -l -p " + port);
        namespaces.awaitListening(netns(to), "tcp", port);
        CommandResult client = namespaces.shell(netns(from), "echo '" + message + "' | nc -N -w 5 " + address + " "
                + port);
        String received = server.finish(Duration.ofSeconds(5));
        assertTrue(client.succeeded(), "nc from " + from + ": " + client);
        assertEquals(message, received.strip(), "what b received");
        return client.stdout().strip();
    }

    /** From now on {@code pod} accepts TCP connections on {@code port}, IPv4 and IPv6 ({@code nc -lk}). */
    private void listen(PodAttachment pod, int port) throws InterruptedException {
        namespaces.start(netns(pod), "nc", "-k", "-4", "-l", "-p", String.valueOf(port));
        namespaces.start(netns(pod), "nc", "-k", "-6", "-l", "-p", String.valueOf(port));
        namespaces.awaitListening(netns(pod), "tcp", port);
    }

    /** True when {@code nc -z} from {@code from} completed a TCP handshake with {@code to}:{@code port} within 2 s. */
    private boolean tcpConnects(PodAttachment from, String to, int port) {
        return namespaces.exec(netns(from), "nc", "-z", "-w", "2", to, String.valueOf(port)).succeeded();
    }

    private InterfaceCounters counters(PodAttachment pod) {
        int index = pod.interfaces().getFirst().index();
        return vpp.stats().interfaces().stream().filter(c -> c.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("VPP shows no counters for " + pod + " (#" + index + ")"));
    }

    private static DataplaneEvent nextBackendEvent(LinkedBlockingQueue<DataplaneEvent> events) throws InterruptedException {
        long deadline = System.nanoTime() + RESTART_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            DataplaneEvent event = events.poll(1, TimeUnit.SECONDS);
            if (event instanceof DataplaneEvent.BackendLost || event instanceof DataplaneEvent.BackendRestored) return event;
        }
        throw new AssertionError("no BackendLost/BackendRestored within " + RESTART_TIMEOUT);
    }

    private static Set<String> allInterfaceNames(VppDataplane vpp) {
        Set<String> names = new TreeSet<>();
        for (SwInterfaceDetails i : vpp.interfaces().list()) names.add(i.interfaceName());
        return names;
    }

    /** beta accepts TCP on {@code port} from a, and nothing else. */
    private static NetworkPolicy bAcceptsTcpFromA(int port) {
        NetworkPolicyPeer a = NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of("app", "a")),
                LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, "live")));
        return NetworkPolicy.of("live", "b-accepts-a", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "b")),
                List.of(PolicyType.INGRESS), List.of(IngressRule.allow(List.of(a), List.of(NetworkPolicyPort.tcp(port)))),
                List.of()));
    }

    private static NetworkPolicy aAcceptsNothing() {
        return NetworkPolicy.of("live", "a-accepts-nothing", NetworkPolicySpec.of(
                LabelSelector.matchLabels(Map.of("app", "a")), List.of(PolicyType.INGRESS), List.of(), List.of()));
    }
}
