package dev.booster.vpp.provider;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.spi.Availability;
import dev.booster.spi.Dataplanes;
import dev.booster.vpp.api.TranscriptReplayServer;
import dev.booster.vpp.api.VppTranscript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VppProviderTest {

    private static final VppTranscript TRANSCRIPT = VppTranscript.load(VppTranscript.BASIC);

    @TempDir
    Path directory;

    private TranscriptReplayServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theProviderIsFoundByNameAndClaimsWhatTheLiveConformanceSuiteShowed() {
        VppProvider provider = (VppProvider) Dataplanes.provider("vpp").orElseThrow();
        // VppConformanceLiveTest passed against VPP v26.06 with these; TAP has carried no traffic (no /dev/vhost-net),
        // tiers have not run live; tunnels and IPsec: VppTunnelInteropLiveTest (ipip, static ESP) against an engine node.
        assertEquals(java.util.Set.of(Capability.VETH, Capability.MEMIF, Capability.IPV6, Capability.POLICY,
                Capability.STATEFUL_POLICY, Capability.TUNNELS, Capability.IPSEC, Capability.SERVICES), provider.capabilities());
        assertTrue(provider.priority() < 0, "below memory: it needs a running VPP, nobody gets it without naming it");
    }

    @Test
    void withoutVppTheProbeSaysWhereItLooked() {
        Path socket = directory.resolve("api.sock");
        Availability availability = new VppProvider(() -> socket).probe();
        assertFalse(availability.isAvailable());
        assertTrue(availability.toString().contains("no VPP API socket at " + socket), availability.toString());
    }

    @Test
    void aRunningVppIsAvailable() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(handshake(),
                TranscriptReplayServer.step(TRANSCRIPT, "show_version"), goodbye()));
        assertTrue(new VppProvider(server::socket).probe().isAvailable());
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void theDataplaneConnectsSaysWhatItCannotDoYetAndReportsALostVpp() throws Exception {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(handshake(),
                TranscriptReplayServer.step(TRANSCRIPT, "want_interface_events").anyFieldValues()));
        try (Dataplane dataplane = new VppProvider().open(config())) {
            assertEquals("vpp", dataplane.provider());
            LinkedBlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();
            dataplane.subscribe(events::add);
            assertEquals(List.of(), dataplane.pods().list());
            InvalidSpecException noUplink = assertThrows(InvalidSpecException.class, () -> dataplane.tunnels().put(
                    dev.booster.api.tunnel.TunnelSpec.plain("node2", dev.booster.api.net.IpAddress.parse("192.0.2.1"),
                            dev.booster.api.net.IpAddress.parse("192.0.2.2"),
                            dev.booster.api.net.IpPrefix.parse("10.244.2.0/24"))));
            assertEquals("options.vpp.uplink", noUplink.field());
            assertEquals(List.of(), dataplane.services().list());
            UnsupportedOperationException hits = assertThrows(UnsupportedOperationException.class,
                    () -> dataplane.stats().policyHits());
            assertTrue(hits.getMessage().contains("stats segment"), hits.getMessage());

            server.disconnect();
            assertInstanceOf(DataplaneEvent.BackendLost.class, events.poll(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void badOptionsAndAnAbsentVppAreReported() {
        assertThrows(InvalidSpecException.class, () -> new VppProvider().open(DataplaneConfig.builder().provider("vpp")
                .option("vpp.sockett", "/run/vpp/api.sock").build()));
        assertThrows(InvalidSpecException.class, () -> new VppProvider().open(DataplaneConfig.builder().provider("vpp")
                .option("vpp.socket", "relative.sock").build()));
        DataplaneException absent = assertThrows(DataplaneException.class, () -> new VppProvider().open(config()));
        assertTrue(absent.getMessage().contains(directory.resolve("api.sock").toString()), absent.getMessage());
    }

    private DataplaneConfig config() {
        return DataplaneConfig.builder().provider("vpp").nodeName("node1")
                .option("vpp.socket", directory.resolve("api.sock").toString()).build();
    }

    /** The recorded handshake, whatever name the client registers under. */
    private static TranscriptReplayServer.Exchange handshake() {
        return TranscriptReplayServer.step(TRANSCRIPT, "handshake").anyFieldValues();
    }

    private static TranscriptReplayServer.Exchange goodbye() {
        return TranscriptReplayServer.goodbye(TRANSCRIPT);
    }
}
