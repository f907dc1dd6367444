package dev.booster.vpp.api;

import dev.booster.vpp.binapi.ShowVersion;
import dev.booster.vpp.binapi.ShowVersionReply;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import dev.booster.vpp.binapi.SwInterfaceDump;
import dev.booster.vpp.binapi.SwInterfaceEvent;
import dev.booster.vpp.binapi.WantInterfaceEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a running VPP, when {@code BOOSTER_VPP_API_SOCKET} names its API socket (see
 * impl-vpp/README.md); skipped otherwise, since CI has no VPP. Read-only: it changes nothing in VPP but its own
 * event registration, which it undoes.
 */
@EnabledIfEnvironmentVariable(named = "BOOSTER_VPP_API_SOCKET", matches = ".*\\S.*", disabledReason = "no live VPP:"
        + " set BOOSTER_VPP_API_SOCKET=/run/vpp/api.sock (VPP's 'socksvr { socket-name }') to run this suite against a"
        + " running VPP, see impl-vpp/README.md")
class VppLiveTest {

    private static VppApiClient vpp;

    @BeforeAll
    static void connectToTheLiveVpp() {
        String socket = System.getenv("BOOSTER_VPP_API_SOCKET");
        vpp = VppApiClient.connect(VppClientOptions.builder().socket(Path.of(socket)).clientName("booster-live-test")
                .require(ShowVersion.TYPE, SwInterfaceDump.TYPE, WantInterfaceEvents.TYPE).build());
    }

    @AfterAll
    static void disconnect() {
        if (vpp != null) {
            vpp.close();
        }
    }

    @Test
    void showsItsVersion() {
        ShowVersionReply version = vpp.call(new ShowVersion());
        assertEquals("vpe", version.program());
        assertFalse(version.version().isBlank());
    }

    @Test
    void listsItsInterfacesLocal0FirstAndOneByIndex() {
        List<SwInterfaceDetails> interfaces = vpp.dump(SwInterfaceDump.builder().build());
        assertFalse(interfaces.isEmpty());
        assertEquals(0, interfaces.getFirst().swIfIndex());
        assertEquals("local0", interfaces.getFirst().interfaceName());
        SwInterfaceDetails last = interfaces.getLast();
        if (last.swIfIndex() != 0) {
            // 0 and ~0 both mean "all" to sw_interface_dump: only another index selects one interface.
            assertEquals(List.of(last), vpp.dump(SwInterfaceDump.builder().swIfIndex(last.swIfIndex()).build()));
        }
    }

    @Test
    void registersForInterfaceEventsAndUnregisters() {
        int pid = (int) ProcessHandle.current().pid();
        try (VppSubscription ignored = vpp.subscribe(SwInterfaceEvent.TYPE, event -> { })) {
            assertEquals(0, vpp.call(new WantInterfaceEvents(1, pid)).retval());
            assertEquals(0, vpp.call(new WantInterfaceEvents(0, pid)).retval());
        }
        assertTrue(vpp.supports(SwInterfaceEvent.TYPE));
    }
}
