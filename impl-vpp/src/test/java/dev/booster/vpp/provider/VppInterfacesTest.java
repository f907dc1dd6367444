package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.Secret;
import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.vpp.api.TranscriptReplayServer;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppClientOptions;
import dev.booster.vpp.api.VppRetvalException;
import dev.booster.vpp.api.VppTranscript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend's operations send, byte for byte, what the recorded client sent to a real VPP for the same job
 * (checked by {@link TranscriptReplayServer}), and read VPP's answers.
 */
class VppInterfacesTest {

    private static final VppTranscript TRANSCRIPT = VppTranscript.load(VppTranscript.BASIC);

    @TempDir
    Path directory;

    private TranscriptReplayServer server;

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void anAfPacketInterfaceIsCreatedBroughtUpAddressedAndRouted() {
        try (VppApiClient vpp = connect("af_packet_create_v3", "sw_interface_set_flags", "sw_interface_add_del_address",
                "sw_interface_add_del_address_v6", "ip_route_add_del")) {
            VppInterfaces interfaces = new VppInterfaces(vpp);
            int hostInterface = interfaces.createAfPacket("vpp-cap", MacAddress.parse("02:fe:00:00:00:07"));
            assertEquals(1, hostInterface);
            interfaces.setAdminUp(hostInterface, true);
            interfaces.addAddress(hostInterface, InterfaceAddress.parse("10.1.0.1/24"));
            interfaces.addAddress(hostInterface, InterfaceAddress.parse("fd00:1::1/64"));
            interfaces.addRoute(IpPrefix.parse("10.2.0.0/16"), Ip4Address.parse("10.1.0.7"), hostInterface);
        }
        assertReplayedExactly();
    }

    @Test
    void aMemifIsCreatedOnARegisteredSocket() {
        try (VppApiClient vpp = connect("memif_socket_filename_add_del_v2", "memif_create_v2")) {
            VppInterfaces interfaces = new VppInterfaces(vpp);
            long socket = interfaces.addMemifSocket("/run/vpp/memif-cap.sock");
            assertEquals(1013904223, socket);
            Memif spec = new Memif("memif0", List.of(), List.of(), InterfaceSpec.DEFAULT_MTU,
                    Optional.of(MacAddress.parse("02:fe:00:00:00:03")), Memif.Role.MASTER, "/run/vpp/memif-cap.sock",
                    3, 1, 1024, Memif.Mode.ETHERNET, Optional.of(Secret.ofString("s3cret")));
            assertEquals(2, interfaces.createMemif(socket, spec));
        }
        assertReplayedExactly();
    }

    @Test
    void aTapWithoutVhostNetFailsSayingSo() {
        try (VppApiClient vpp = connect("tap_create_v3_fails_without_vhost_net")) {
            DataplaneException refused = assertThrows(DataplaneException.class, () -> new VppInterfaces(vpp)
                    .createTap(7, MacAddress.parse("02:fe:00:00:00:07"), "capns", "eth1"));
            assertTrue(refused.getMessage().contains("/dev/vhost-net"), refused.getMessage());
            assertEquals(-11, assertInstanceOf(VppRetvalException.class, refused.getCause()).retval());
        }
        assertReplayedExactly();
    }

    @Test
    void interfacesAreListed() {
        try (VppApiClient vpp = connect("sw_interface_dump")) {
            assertEquals(List.of("local0"), new VppInterfaces(vpp).list().stream().map(i -> i.interfaceName()).toList());
        }
        assertReplayedExactly();
    }

    private VppApiClient connect(String... steps) {
        List<TranscriptReplayServer.Exchange> script = new java.util.ArrayList<>();
        script.add(TranscriptReplayServer.step(TRANSCRIPT, "handshake"));
        for (String step : steps) {
            // The recorded client left af_packet_create_v3's flags 0; the backend sets QDISC_BYPASS|CKSUM_GSO (see
            // VppInterfaces.AF_PACKET_FLAGS, asserted by VppPodsAgainstFakeVppTest), so that one message differs.
            TranscriptReplayServer.Exchange exchange = TranscriptReplayServer.step(TRANSCRIPT, step);
            script.add(step.equals("af_packet_create_v3") ? exchange.anyFieldValues() : exchange);
        }
        script.add(TranscriptReplayServer.goodbye(TRANSCRIPT));
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, script);
        return VppApiClient.connect(VppClientOptions.builder().socket(server.socket()).clientName("booster-capture")
                .requestTimeout(Duration.ofSeconds(5)).require(VppInterfaces.MESSAGES).build());
    }

    private void assertReplayedExactly() {
        assertEquals(List.of(), server.mismatches());
        assertTrue(server.scriptDone(), "every recorded exchange took place");
    }
}
