package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.host.pod.HostVethNames;
import dev.booster.vpp.api.FakeVppServer;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppClientOptions;
import dev.booster.vpp.api.VppRetvalException;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketFlags;
import dev.booster.vpp.binapi.AfPacketMode;
import dev.booster.vpp.binapi.CreateLoopbackInstance;
import dev.booster.vpp.binapi.DeleteLoopback;
import dev.booster.vpp.binapi.Ip6Address;
import dev.booster.vpp.binapi.MemifCreateV2;
import dev.booster.vpp.binapi.MemifDelete;
import dev.booster.vpp.binapi.MemifMode;
import dev.booster.vpp.binapi.MemifRole;
import dev.booster.vpp.binapi.MemifSocketFilenameAddDelV2;
import dev.booster.vpp.binapi.SwInterfaceAddDelAddress;
import dev.booster.vpp.binapi.SwInterfaceIp6EnableDisable;
import dev.booster.vpp.binapi.SwInterfaceIp6SetLinkLocalAddress;
import dev.booster.vpp.binapi.SwInterfaceSetUnnumbered;
import dev.booster.vpp.binapi.TapCreateV3;
import dev.booster.vpp.binapi.TapDeleteV2;
import dev.booster.vpp.binapi.TapFlags;
import dev.booster.vpp.api.codec.ByteArray;
import dev.booster.vpp.api.codec.VppMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

import static dev.booster.vpp.provider.VppWire.GATEWAY_MAC;
import static dev.booster.vpp.provider.VppWire.NONE;
import static dev.booster.vpp.provider.VppWire.hostRoute;
import static dev.booster.vpp.provider.VppWire.mac;
import static dev.booster.vpp.provider.VppWire.neighbor;
import static dev.booster.vpp.provider.VppWire.prefix;
import static dev.booster.vpp.provider.VppWire.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pods on the vpp backend against {@link FakeVppServer} (VPP cannot run here): the exact messages and fields sent
 * for veth, tap and memif pods, what detaching sends, and what a refusal leaves behind (nothing).
 */
class VppPodsAgainstFakeVppTest {

    private static final String NETNS = "/var/run/netns/web";
    private static final MacAddress POD_MAC = MacAddress.parse("02:00:00:00:00:0a");

    @TempDir
    Path directory;

    private FakeVppServer vpp;
    private RecordingHostLinks host;
    private VppDataplane dataplane;
    private final LinkedBlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() {
        vpp = FakeVppServer.start(directory);
        host = new RecordingHostLinks();
        VppClientOptions options = VppClientOptions.builder().socket(vpp.socket()).requestTimeout(Duration.ofSeconds(5))
                .require(VppDataplane.MESSAGES).build();
        dataplane = new VppDataplane(VppApiClient.connect(options), () -> VppApiClient.connect(options),
                new VppDataplane.Backoff(Duration.ofMillis(10), Duration.ofMillis(50)), host);
        dataplane.subscribe(events::add);
        assertEquals(List.of(FakeVppFixture.WATCH_INTERFACES), vpp.requests());
        vpp.clearRequests();
    }

    @AfterEach
    void close() throws Exception {
        dataplane.close();
        vpp.close();
        assertEquals(List.of(), vpp.problems());
    }

    @Test
    void aVethPodGetsAnAfPacketInterfaceUnnumberedToTheGatewayWithNeighboursAndHostRoutes() throws Exception {
        Veth eth0 = new Veth("eth0", List.of(InterfaceAddress.parse("10.244.1.10/32"),
                InterfaceAddress.parse("fd00:244::a/128")), List.of(), 1500, Optional.of(POD_MAC));
        PodAttachment pod = dataplane.pods().attach(pod("web", eth0));
        String hostName = HostVethNames.of("web", "eth0");

        assertEquals(List.of("createVeth " + NETNS + " eth0 [10.244.1.10/32, fd00:244::a/128] interfaces[0] "
                + hostName + " ee:ee:ee:ee:ee:ee 02:00:00:00:00:0a"), host.calls());
        assertEquals(List.of(
                new AfPacketCreateV3(AfPacketMode.AF_PACKET_API_MODE_ETHERNET, GATEWAY_MAC, false, hostName,
                        2048, 2048, 32, 32, new AfPacketFlags(3), 1, 1),
                up(1),
                new CreateLoopbackInstance(GATEWAY_MAC, false, 0),
                up(2),
                new SwInterfaceAddDelAddress(2, true, false, prefix("169.254.1.1/32")),
                new SwInterfaceSetUnnumbered(2, 1, true),
                new SwInterfaceIp6EnableDisable(1, true),
                new SwInterfaceIp6SetLinkLocalAddress(1, new Ip6Address(ByteArray.copyOf(
                        dev.booster.api.net.Ip6Address.parse("fe80::1").toBytes()))),
                neighbor(true, 1, "10.244.1.10", "02:00:00:00:00:0a"),
                hostRoute(true, 1, "10.244.1.10"),
                neighbor(true, 1, "fd00:244::a", "02:00:00:00:00:0a"),
                hostRoute(true, 1, "fd00:244::a")), vpp.requests());
        assertEquals(List.of(new AttachedInterface(eth0, hostName, POD_MAC, VppGateway.MAC, 1)), pod.interfaces());
        assertEquals(List.of("local0", "host-" + hostName, "loop2"), dataplane.interfaces().list().stream()
                .map(i -> i.interfaceName()).toList());
        assertInstanceOf(DataplaneEvent.PodAttached.class, events.poll(5, java.util.concurrent.TimeUnit.SECONDS));

        vpp.clearRequests();
        host.clear();
        pod.detach();
        assertEquals(List.of(
                hostRoute(false, 1, "fd00:244::a"),
                neighbor(false, 1, "fd00:244::a", "02:00:00:00:00:0a"),
                hostRoute(false, 1, "10.244.1.10"),
                neighbor(false, 1, "10.244.1.10", "02:00:00:00:00:0a"),
                new AfPacketDelete(hostName)), vpp.requests());
        assertEquals(List.of("deleteVeth " + hostName), host.calls());
        assertFalse(pod.isAttached());
        assertEquals(List.of("local0", "loop2"), dataplane.interfaces().list().stream().map(i -> i.interfaceName()).toList());
        assertEquals(List.of(), dataplane.pods().list());
        assertInstanceOf(DataplaneEvent.PodDetached.class, events.poll(5, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void theGatewayLoopbackIsMadeOnceForAllPodsAndAPodWithoutAMacGetsAStableOne() {
        dataplane.pods().attach(pod("a", Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
        dataplane.pods().attach(pod("b", Veth.of("eth0", InterfaceAddress.parse("10.244.1.11/32"))));
        assertEquals(1, vpp.requests().stream().filter(m -> m instanceof CreateLoopbackInstance).count());
        List<SwInterfaceSetUnnumbered> unnumbered = vpp.requests().stream()
                .filter(m -> m instanceof SwInterfaceSetUnnumbered).map(m -> (SwInterfaceSetUnnumbered) m).toList();
        assertEquals(List.of(new SwInterfaceSetUnnumbered(2, 1, true), new SwInterfaceSetUnnumbered(2, 3, true)),
                unnumbered);
        MacAddress generated = VppGateway.podMac("b", "eth0");
        assertEquals(generated, VppGateway.podMac("b", "eth0"));
        assertTrue(generated.toString().startsWith("02") || (generated.toBytes()[0] & 0x03) == 0x02, generated.toString());
        assertTrue(vpp.requests().contains(neighbor(true, 3, "10.244.1.11", generated.toString())));
    }

    @Test
    void aMemifPodMakesVppTheMasterOnASocketInThePodsNetnsOrAtItsPath() {
        Memif abstractSocket = new Memif("app0", List.of(InterfaceAddress.parse("10.244.1.20/32")), List.of(),
                1500, Optional.of(POD_MAC), Memif.Role.MASTER, "@memif-app", 0, 2, 1024, Memif.Mode.ETHERNET,
                Optional.empty());
        Memif pathSocket = new Memif("app1", List.of(InterfaceAddress.parse("10.244.1.21/32")), List.of(),
                1500, Optional.empty(), Memif.Role.MASTER, "/run/vpp/app.sock", 3, 1, 512, Memif.Mode.IP,
                Optional.empty());
        PodAttachment pod = dataplane.pods().attach(pod("app", abstractSocket, pathSocket));

        assertEquals(List.of(), host.calls(), "VPP makes memif sockets itself");
        assertEquals(List.of(
                new MemifSocketFilenameAddDelV2(true, NONE, "abstract:memif-app,netns_name=" + NETNS),
                new MemifCreateV2(MemifRole.MEMIF_ROLE_API_MASTER, MemifMode.MEMIF_MODE_API_ETHERNET, 2, 2, 0, 1,
                        1024, 2048, false, false, GATEWAY_MAC, ""),
                up(1),
                new CreateLoopbackInstance(GATEWAY_MAC, false, 0),
                up(2),
                new SwInterfaceAddDelAddress(2, true, false, prefix("169.254.1.1/32")),
                new SwInterfaceSetUnnumbered(2, 1, true),
                neighbor(true, 1, "10.244.1.20", "02:00:00:00:00:0a"),
                hostRoute(true, 1, "10.244.1.20"),
                new MemifSocketFilenameAddDelV2(true, NONE, "/run/vpp/app.sock"),
                new MemifCreateV2(MemifRole.MEMIF_ROLE_API_MASTER, MemifMode.MEMIF_MODE_API_IP, 1, 1, 3, 2,
                        512, 2048, false, false, mac("00:00:00:00:00:00"), ""),
                up(3),
                new SwInterfaceSetUnnumbered(2, 3, true),
                hostRoute(true, 3, "10.244.1.21")), vpp.requests());

        vpp.clearRequests();
        pod.detach();
        assertEquals(List.of(
                hostRoute(false, 3, "10.244.1.21"),
                new MemifDelete(3),
                new MemifSocketFilenameAddDelV2(false, 2, ""),
                hostRoute(false, 1, "10.244.1.20"),
                neighbor(false, 1, "10.244.1.20", "02:00:00:00:00:0a"),
                new MemifDelete(1),
                new MemifSocketFilenameAddDelV2(false, 1, "")), vpp.requests());
    }

    @Test
    void aPodInterfacesLinkChangesBecomeEventsOncePerChange() throws Exception {
        Memif memif = Memif.of("app0", "/run/vpp/app.sock", InterfaceAddress.parse("10.244.1.20/32"));
        dataplane.pods().attach(pod("app", memif));
        assertInstanceOf(DataplaneEvent.PodAttached.class, events.poll(5, java.util.concurrent.TimeUnit.SECONDS));
        long pid = ProcessHandle.current().pid();
        dev.booster.vpp.binapi.IfStatusFlags adminUp = dev.booster.vpp.binapi.IfStatusFlags.IF_STATUS_API_FLAG_ADMIN_UP;
        dev.booster.vpp.binapi.IfStatusFlags linkUp = adminUp.with(dev.booster.vpp.binapi.IfStatusFlags.IF_STATUS_API_FLAG_LINK_UP);
        var event = dev.booster.vpp.binapi.SwInterfaceEvent.TYPE;
        vpp.sendEvent(event, new dev.booster.vpp.binapi.SwInterfaceEvent(pid, 1, linkUp, false));
        vpp.sendEvent(event, new dev.booster.vpp.binapi.SwInterfaceEvent(pid, 1, linkUp, false));
        vpp.sendEvent(event, new dev.booster.vpp.binapi.SwInterfaceEvent(pid, 2, linkUp, false)); // the loopback
        vpp.sendEvent(event, new dev.booster.vpp.binapi.SwInterfaceEvent(pid, 1, adminUp, false));
        assertEquals(new DataplaneEvent.InterfaceStateChanged(null, "/run/vpp/app.sock", true),
                withoutTime(events.poll(5, java.util.concurrent.TimeUnit.SECONDS)));
        assertEquals(new DataplaneEvent.InterfaceStateChanged(null, "/run/vpp/app.sock", false),
                withoutTime(events.poll(5, java.util.concurrent.TimeUnit.SECONDS)));
        assertEquals(null, events.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS), "one event per change");
    }

    private static DataplaneEvent withoutTime(DataplaneEvent event) {
        return event instanceof DataplaneEvent.InterfaceStateChanged(var time, var name, var up)
                ? new DataplaneEvent.InterfaceStateChanged(null, name, up) : event;
    }

    @Test
    void aTapPodIsMadeByVppInThePodsNetnsAndConfiguredThere() {
        Tap tap = new Tap("eth0", List.of(InterfaceAddress.parse("10.244.1.30/32")), List.of(), 1400,
                Optional.of(POD_MAC), 2);
        PodAttachment pod = dataplane.pods().attach(pod("tapped", tap));
        assertEquals(List.of(
                new TapCreateV3(0, false, GATEWAY_MAC, 2, 2, 256, 256, true, 1400, true, mac("02:00:00:00:00:0a"),
                        false, dev.booster.vpp.binapi.Ip4Prefix.builder().build(), false,
                        dev.booster.vpp.binapi.Ip6Prefix.builder().build(), false,
                        new dev.booster.vpp.binapi.Ip4Address(ByteArray.zeros(4)), false,
                        new Ip6Address(ByteArray.zeros(16)), new TapFlags(0), true, NETNS, true, "eth0", false, "", ""),
                up(1),
                new CreateLoopbackInstance(GATEWAY_MAC, false, 0),
                up(2),
                new SwInterfaceAddDelAddress(2, true, false, prefix("169.254.1.1/32")),
                new SwInterfaceSetUnnumbered(2, 1, true),
                neighbor(true, 1, "10.244.1.30", "02:00:00:00:00:0a"),
                hostRoute(true, 1, "10.244.1.30")), vpp.requests());
        assertEquals(List.of("configurePodSide " + NETNS + " eth0 [10.244.1.30/32] interfaces[0] ee:ee:ee:ee:ee:ee"),
                host.calls());

        vpp.clearRequests();
        pod.detach();
        assertEquals(List.of(hostRoute(false, 1, "10.244.1.30"), neighbor(false, 1, "10.244.1.30",
                "02:00:00:00:00:0a"), new TapDeleteV2(1)), vpp.requests());
    }

    @Test
    void aTapWithoutVhostNetFailsSayingSoAndTakesBackWhatThePodHadMade() {
        vpp.refuseNext(TapCreateV3.TYPE, -11);
        Veth eth0 = Veth.of("eth0", InterfaceAddress.parse("10.244.1.40/32"));
        Tap eth1 = Tap.of("eth1", InterfaceAddress.parse("10.244.2.40/32"));
        DataplaneException refused = assertThrows(DataplaneException.class,
                () -> dataplane.pods().attach(pod("half", eth0, eth1)));
        assertTrue(refused.getMessage().contains("/dev/vhost-net"), refused.getMessage());
        assertEquals(-11, assertInstanceOf(VppRetvalException.class, refused.getCause()).retval());

        String hostName = HostVethNames.of("half", "eth0");
        List<VppMessage> sent = vpp.requests();
        assertEquals(List.of(hostRoute(false, 1, "10.244.1.40"),
                neighbor(false, 1, "10.244.1.40", VppGateway.podMac("half", "eth0").toString()),
                new AfPacketDelete(hostName)), sent.subList(sent.size() - 3, sent.size()));
        assertEquals("deleteVeth " + hostName, host.calls().getLast());
        assertEquals(List.of(), dataplane.pods().list());
    }

    @Test
    void aRefusalPartWayTakesBackExactlyWhatVppHadMade() {
        vpp.refuseNext(dev.booster.vpp.binapi.IpRouteAddDel.TYPE, -6);
        DataplaneException refused = assertThrows(DataplaneException.class, () -> dataplane.pods().attach(
                pod("web", Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32")))));
        assertTrue(refused.getMessage().contains("add route 10.244.1.10/32"), refused.getMessage());
        String hostName = HostVethNames.of("web", "eth0");
        List<VppMessage> sent = vpp.requests();
        assertEquals(List.of(hostRoute(true, 1, "10.244.1.10"),
                neighbor(false, 1, "10.244.1.10", VppGateway.podMac("web", "eth0").toString()),
                new AfPacketDelete(hostName)), sent.subList(sent.size() - 3, sent.size()),
                "the refused route is not deleted; the neighbour and the interface before it are");
        assertEquals("deleteVeth " + hostName, host.calls().getLast());
        assertEquals(List.of(), dataplane.pods().list());
    }

    @Test
    void attachingIsIdempotentForAnEqualSpecAndRefusesWhatVppCannotServe() {
        PodSpec spec = pod("web", Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32")));
        PodAttachment first = dataplane.pods().attach(spec);
        int sent = vpp.requests().size();
        assertEquals(first, dataplane.pods().attach(spec));
        assertEquals(sent, vpp.requests().size());
        assertThrows(InvalidSpecException.class, () -> dataplane.pods().attach(pod("web",
                Veth.of("eth0", InterfaceAddress.parse("10.244.1.99/32")))));
        InvalidSpecException taken = assertThrows(InvalidSpecException.class, () -> dataplane.pods().attach(
                pod("other", Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32")))));
        assertEquals("interfaces[0].addresses[0]", taken.field());
        assertThrows(UnsupportedCapabilityException.class, () -> dataplane.pods().attach(pod("xdp",
                new AfXdp("eth0", List.of(InterfaceAddress.parse("10.244.1.50/32")), List.of(),
                        InterfaceSpec.DEFAULT_MTU, Optional.empty(), 1, AfXdp.XdpMode.AUTO))));
        assertEquals(List.of(first), dataplane.pods().list());
    }

    @Test
    void closingDetachesEveryPodAndDeletesTheGatewayLoopback() {
        dataplane.pods().attach(pod("web", Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
        vpp.clearRequests();
        dataplane.close();
        assertEquals(List.of(hostRoute(false, 1, "10.244.1.10"),
                neighbor(false, 1, "10.244.1.10", VppGateway.podMac("web", "eth0").toString()),
                new AfPacketDelete(HostVethNames.of("web", "eth0")), new DeleteLoopback(2)), vpp.requests());
        assertEquals(List.of("deleteVeth " + HostVethNames.of("web", "eth0")), host.calls().subList(1, 2));
    }

    static PodSpec pod(String name, InterfaceSpec... interfaces) {
        PodSpec.Builder builder = PodSpec.builder("default", name).uid(name).netns(NETNS)
                .labels(java.util.Map.of("app", name));
        for (InterfaceSpec i : interfaces) builder.addInterface(i);
        return builder.build();
    }
}
