package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.AclAddReplace;
import dev.booster.vpp.binapi.IpRouteDetails;
import dev.booster.vpp.binapi.IpRouteDump;
import dev.booster.vpp.binapi.MemclntKeepaliveReply;
import dev.booster.vpp.binapi.MessageTableEntry;
import dev.booster.vpp.binapi.ShowVersion;
import dev.booster.vpp.binapi.ShowVersionReply;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import dev.booster.vpp.binapi.SwInterfaceDump;
import dev.booster.vpp.binapi.SwInterfaceEvent;
import dev.booster.vpp.binapi.SwInterfaceSetFlags;
import dev.booster.vpp.binapi.TapCreateV3;
import dev.booster.vpp.binapi.TapCreateV3Reply;
import dev.booster.vpp.binapi.VppBinapi;
import dev.booster.vpp.binapi.WantInterfaceEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VppApiClient} against {@link TranscriptReplayServer}, which plays back what a real VPP v26.06 answered and
 * checks that the client sends, byte for byte, what the recorded client sent. The requests are the recorded ones,
 * decoded with the generated codecs.
 */
class VppApiClientTest {

    private static final VppTranscript TRANSCRIPT = VppTranscript.load(VppTranscript.BASIC);
    private static final Map<String, VppMessageType<?>> TYPES = VppBinapi.messages().stream()
            .collect(Collectors.toMap(VppMessageType::nameWithCrc, Function.identity()));
    /** The recorded client's name: the handshake bytes must match. */
    private static final String CLIENT_NAME = "booster-capture";

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
    void handshakeRegistersTheClientAndLearnsVppsNumbering() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(step("handshake"), goodbye()));
        try (VppApiClient vpp = connect(options().require(SwInterfaceDump.TYPE))) {
            assertEquals(0x80000001, vpp.clientIndex());
            assertEquals(1995, vpp.messageTable().size());
            assertEquals(843, vpp.messageTable().idOf(SwInterfaceDump.TYPE).orElseThrow());
            assertTrue(vpp.supports(SwInterfaceDetails.TYPE));
        }
        assertEquals(List.of(), server.mismatches());
        assertTrue(server.scriptDone(), "the client said goodbye with sockclnt_delete");
    }

    @Test
    void aCallGetsTheReplyWithItsContext() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT,
                List.of(step("handshake"), step("show_version"), step("control_ping"), goodbye()));
        try (VppApiClient vpp = connect(options())) {
            ShowVersionReply version = vpp.call(new ShowVersion());
            assertEquals("26.06-release", version.version());
            assertEquals("vpe", version.program());
            assertEquals(26282, vpp.call(recordedRequest("control_ping", dev.booster.vpp.binapi.ControlPing.class))
                    .vpePid());
        }
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void aDumpCollectsTheDetailsUntilTheControlPingReply() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT,
                List.of(step("handshake"), step("sw_interface_dump"), step("ip_route_dump"), goodbye()));
        try (VppApiClient vpp = connect(options())) {
            List<SwInterfaceDetails> interfaces = vpp.dump(SwInterfaceDump.builder().build());
            assertEquals(List.of("local0"), interfaces.stream().map(SwInterfaceDetails::interfaceName).toList());
            List<IpRouteDetails> routes = vpp.dump(recordedRequest("ip_route_dump", IpRouteDump.class));
            assertEquals(11, routes.size());
            assertTrue(routes.stream().anyMatch(r -> r.route().statsIndex() == 18 && r.route().prefix().len() == 16));
        }
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void aRefusedRequestThrowsWithTheRetvalAndTheReply() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT,
                List.of(step("handshake"), step("tap_create_v3_fails_without_vhost_net"), goodbye()));
        try (VppApiClient vpp = connect(options())) {
            VppRetvalException refused = assertThrows(VppRetvalException.class,
                    () -> vpp.call(recordedRequest("tap_create_v3_fails_without_vhost_net", TapCreateV3.class)));
            assertEquals(-11, refused.retval());
            assertEquals("tap_create_v3", refused.request());
            assertEquals(0xffffffffL, ((TapCreateV3Reply) refused.reply()).swIfIndex());
            assertTrue(refused.getMessage().contains("SYSCALL_ERROR_1"), refused.getMessage());
        }
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void eventsReachTheirSubscribers() throws Exception {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(step("handshake"),
                step("want_interface_events"), step("sw_interface_set_flags_down_event"), goodbye()));
        LinkedBlockingQueue<SwInterfaceEvent> events = new LinkedBlockingQueue<>();
        try (VppApiClient vpp = connect(options())) {
            try (VppSubscription ignored = vpp.subscribe(SwInterfaceEvent.TYPE, events::add)) {
                vpp.call(recordedRequest("want_interface_events", WantInterfaceEvents.class));
                vpp.call(recordedRequest("sw_interface_set_flags_down_event", SwInterfaceSetFlags.class));
                SwInterfaceEvent down = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(down, "no sw_interface_event delivered");
                assertEquals(1, down.swIfIndex());
                assertEquals(26304, down.pid());
                assertEquals(0, down.flags().value());
            }
        }
        assertEquals(List.of(), server.mismatches());
    }

    @Test
    void vppsKeepaliveIsAnswered() throws Exception {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(step("handshake"), goodbye()));
        try (VppApiClient ignored = connect(options())) {
            server.sendKeepalive(77);
            byte[] answer = server.awaitKeepaliveReply(Duration.ofSeconds(5));
            assertNotNull(answer, "the client did not answer memclnt_keepalive");
            var decoded = MemclntKeepaliveReply.TYPE.decode(answer);
            assertEquals(server.idOf(MemclntKeepaliveReply.TYPE), decoded.header().messageId());
            assertEquals(77, decoded.header().context());
            assertEquals(0, decoded.message().retval());
        }
    }

    @Test
    void aVppWithOtherMessagesIsRefusedWithTheListOfDifferences() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, table -> {
            List<MessageTableEntry> edited = new ArrayList<>();
            for (MessageTableEntry entry : table) {
                if (entry.name().equals("sw_interface_dump_aa610c27")) {
                    edited.add(new MessageTableEntry(entry.index(), "sw_interface_dump_deadbeef"));
                } else if (!entry.name().equals("acl_add_replace_ee5c2f18")) {
                    edited.add(entry);
                }
            }
            return edited;
        }, List.of(step("handshake"), step("show_version"), goodbye()));
        VppVersionSkewException skew = assertThrows(VppVersionSkewException.class,
                () -> connect(options().require(SwInterfaceDump.TYPE, AclAddReplace.TYPE, ShowVersion.TYPE)));
        assertEquals(List.of(
                        new MessageMismatch("acl_add_replace", "ee5c2f18", java.util.Optional.empty()),
                        new MessageMismatch("sw_interface_dump", "aa610c27", java.util.Optional.of("deadbeef"))),
                skew.mismatches());
        String message = skew.getMessage();
        assertTrue(message.startsWith("VPP 26.06-release does not match the VPP API Booster was built for ("
                + VppBinapi.API_VERSION + ") in 2 messages"), message);
        assertTrue(message.contains("sw_interface_dump: Booster has crc aa610c27, VPP has deadbeef"), message);
        assertTrue(message.contains("acl_add_replace: Booster has crc ee5c2f18, VPP has no such message"), message);
        assertEquals(List.of(), server.mismatches());
        assertTrue(server.scriptDone(), "the refused client still said goodbye");
    }

    @Test
    void aLostConnectionFailsWaitingCallsAndIsReported() throws Exception {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(step("handshake")));
        try (VppApiClient vpp = connect(options().requestTimeout(Duration.ofSeconds(30)))) {
            CompletableFuture<ShowVersionReply> waiting = vpp.callAsync(new ShowVersion());
            awaitMismatches(1);
            server.disconnect();
            CompletionException failed = assertThrows(CompletionException.class, waiting::join);
            assertInstanceOf(VppConnectionClosedException.class, failed.getCause());
            ExecutionException lost = assertThrows(ExecutionException.class,
                    () -> vpp.whenDisconnected().get(5, TimeUnit.SECONDS));
            assertInstanceOf(VppConnectionClosedException.class, lost.getCause());
            assertThrows(VppConnectionClosedException.class, () -> vpp.call(new ShowVersion()));
        }
    }

    @Test
    void anUnansweredCallTimesOut() {
        server = TranscriptReplayServer.start(directory, TRANSCRIPT, List.of(step("handshake"), goodbye()));
        try (VppApiClient vpp = connect(options().requestTimeout(Duration.ofMillis(300)))) {
            VppTimeoutException timeout = assertThrows(VppTimeoutException.class, () -> vpp.call(new ShowVersion()));
            assertTrue(timeout.getMessage().contains("show_version"), timeout.getMessage());
        }
        assertEquals(1, server.mismatches().size(), () -> "only the unscripted show_version: " + server.mismatches());
        assertTrue(server.scriptDone(), "a timed-out call leaves the client usable: it said goodbye");
    }

    @Test
    void connectingWhereNoVppListensSaysWhatToCheck() {
        VppApiException refused = assertThrows(VppApiException.class,
                () -> VppApiClient.connect(options().socket(directory.resolve("absent.sock")).build()));
        assertTrue(refused.getMessage().contains("socksvr"), refused.getMessage());
    }

    private void awaitMismatches(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.mismatches().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, server.mismatches().size(), "the server never saw the request");
    }

    private VppClientOptions.Builder options() {
        return VppClientOptions.builder().clientName(CLIENT_NAME).socket(directory.resolve("api.sock"))
                .requestTimeout(Duration.ofSeconds(5));
    }

    private static VppApiClient connect(VppClientOptions.Builder options) {
        return VppApiClient.connect(options.build());
    }

    private static TranscriptReplayServer.Exchange step(String name) {
        return TranscriptReplayServer.step(TRANSCRIPT, name);
    }

    private static TranscriptReplayServer.Exchange goodbye() {
        return TranscriptReplayServer.goodbye(TRANSCRIPT);
    }

    /** The request the recorded client sent first in {@code step}. */
    private static <T extends VppMessage> T recordedRequest(String step, Class<T> type) {
        VppTranscript.Frame frame = TRANSCRIPT.frame(TRANSCRIPT.step(step).start());
        return type.cast(TYPES.get(frame.nameWithCrc()).decode(frame.body()).message());
    }
}
