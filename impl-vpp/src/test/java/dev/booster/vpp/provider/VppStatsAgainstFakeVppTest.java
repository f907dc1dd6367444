package dev.booster.vpp.provider;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.Veth;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.host.pod.HostVethNames;
import dev.booster.vpp.binapi.CliInband;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interface counters through {@code cli_inband "show interface"}, against the fake VPP and a real VPP's output. */
class VppStatsAgainstFakeVppTest {

    @TempDir
    Path directory;

    @Test
    void podInterfacesCountersAreReadAndTiedToTheirPod() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            fake.dataplane.pods().attach(VppPodsAgainstFakeVppTest.pod("web",
                    Veth.of("eth0", InterfaceAddress.parse("10.244.1.10/32"))));
            fake.vpp.setCounter(1, "rx packets", 5);
            fake.vpp.setCounter(1, "rx bytes", 398);
            fake.vpp.setCounter(1, "tx packets", 3);
            fake.vpp.setCounter(1, "tx bytes", 210);
            fake.vpp.setCounter(1, "drops", 2);
            fake.vpp.clearRequests();

            List<InterfaceCounters> counters = fake.dataplane.stats().interfaces();
            assertEquals(List.of(new CliInband("show interface")), fake.vpp.requests());
            assertEquals(List.of(new InterfaceCounters(0, "local0", "", 0, 0, 0, 0, 0),
                    new InterfaceCounters(1, "host-" + HostVethNames.of("web", "eth0"), "web", 5, 398, 3, 210, 2),
                    new InterfaceCounters(2, "loop2", "", 0, 0, 0, 0, 0)), counters);
        }
    }

    /** {@code show interface} as VPP v26.06 prints it (counters of one queue summed, any counter names). */
    @Test
    void vppsShowInterfaceTableIsRead() {
        String output = """
                              Name               Idx    State  MTU (L3/IP4/IP6/MPLS)     Counter          Count    \s
                host-vpp1out                      1      up          9000/0/0/0     rx packets                     7
                                                                                    rx bytes                     574
                                                                                    tx packets                     3
                                                                                    tx bytes                     126
                                                                                    drops                          4
                                                                                    ip6                            6
                local0                            0     down          0/0/0/0      \s
                memif1/0                          3      up          9000/0/0/0     tx-error                       9
                """;
        assertEquals(List.of(
                new VppStats.ShownInterface(1, "host-vpp1out", Map.of("rx packets", 7L, "rx bytes", 574L,
                        "tx packets", 3L, "tx bytes", 126L, "drops", 4L, "ip6", 6L)),
                new VppStats.ShownInterface(0, "local0", Map.of()),
                new VppStats.ShownInterface(3, "memif1/0", Map.of("tx-error", 9L))), VppStats.parseShowInterface(output));
    }

    @Test
    void anUnreadableLineFailsNamingIt() {
        IllegalStateException unreadable = assertThrows(IllegalStateException.class,
                () -> VppStats.parseShowInterface("host-x  one  up  9000/0/0/0\n"));
        assertTrue(unreadable.getMessage().contains("host-x  one"), unreadable.getMessage());
    }

    @Test
    void theAclPluginsDeniesArePolicyDenyDrops() throws Exception {
        try (FakeVppFixture fake = new FakeVppFixture(directory)) {
            assertEquals(List.of(), fake.dataplane.stats().drops(), "nothing denied yet");
            fake.vpp.setError("acl-plugin-out-ip4-fa", "ACL deny packets", "error", 3);
            fake.vpp.setError("acl-plugin-out-ip6-fa", "ACL deny packets", "error", 1);
            fake.vpp.setError("acl-plugin-in-ip4-fa", "ACL permit packets", "error", 9);
            fake.vpp.setError("ip4-input", "ip4 ttl <= 1", "error", 2);
            fake.vpp.clearRequests();

            assertEquals(List.of(new DropCounter("policy-deny", 4)), fake.dataplane.stats().drops());
            assertEquals(List.of(new CliInband("show errors")), fake.vpp.requests());
            assertEquals(4, fake.dataplane.stats().drops("policy-deny"));
        }
    }

    /** {@code show errors} as VPP v26.06 printed it during the live suite. */
    @Test
    void vppsShowErrorsTableIsRead() {
        String output = """
                   Count                  Node                              Reason               Severity\s
                        32          af-packet-input                    timed out block             error \s
                         1             arp-reply                       ARP replies sent            info  \s
                         2             ip6-input                  Multicast RPF check failed       error \s
                         4        acl-plugin-out-ip4-fa                ACL deny packets            error \s
                """;
        assertEquals(List.of(new VppStats.ShownError(32, "af-packet-input", "timed out block", "error"),
                new VppStats.ShownError(1, "arp-reply", "ARP replies sent", "info"),
                new VppStats.ShownError(2, "ip6-input", "Multicast RPF check failed", "error"),
                new VppStats.ShownError(4, "acl-plugin-out-ip4-fa", "ACL deny packets", "error")),
                VppStats.parseShowErrors(output));
        IllegalStateException unreadable = assertThrows(IllegalStateException.class,
                () -> VppStats.parseShowErrors("  many  ip4-input  ttl  error\n"));
        assertTrue(unreadable.getMessage().contains("show errors"), unreadable.getMessage());
    }
}
