package dev.booster.vpp.provider;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.stats.InterfaceCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend against a running VPP, when {@code BOOSTER_VPP_API_SOCKET} names its API socket (see
 * impl-vpp/README.md); skipped otherwise. Needs no root beyond access to VPP's socket: a memif pod (VPP makes its
 * socket under /run/vpp), a policy on it, its counters, and everything taken back at the end, the socket file too.
 */
@EnabledIfEnvironmentVariable(named = "BOOSTER_VPP_API_SOCKET", matches = ".*\\S.*", disabledReason = "no live VPP:"
        + " set BOOSTER_VPP_API_SOCKET=/run/vpp/api.sock to run the backend against a running VPP, see"
        + " impl-vpp/README.md")
class VppBackendLiveTest {

    @Test
    void aMemifPodIsAttachedPolicedCountedAndDetached() {
        long pid = ProcessHandle.current().pid();
        String socket = "/run/vpp/booster-live-" + pid + ".sock";
        String address = "10.250." + (pid % 250) + ".1/32";
        try (Dataplane vpp = new VppProvider().open(DataplaneConfig.builder().provider("vpp")
                .option("vpp.socket", System.getenv("BOOSTER_VPP_API_SOCKET")).build())) {
            VppDataplane dataplane = (VppDataplane) vpp;
            int before = dataplane.interfaces().list().size();
            PodAttachment pod = vpp.pods().attach(PodSpec.builder("booster-live", "memif-" + pid)
                    .addInterface(new Memif("app0", List.of(InterfaceAddress.parse(address)), List.of(), 1500,
                            Optional.empty(), Memif.Role.MASTER, socket, 0, 1, 1024, Memif.Mode.ETHERNET,
                            Optional.empty())).build());
            int swIfIndex = pod.interfaces().getFirst().index();
            assertTrue(dataplane.interfaces().list().stream().anyMatch(i -> i.swIfIndex() == swIfIndex));

            vpp.policies().apply(PolicySet.of(NetworkPolicy.of("booster-live", "deny-all", NetworkPolicySpec.of(
                    LabelSelector.ALL, List.of(), List.of(), List.of()))));
            List<InterfaceCounters> counters = vpp.stats().interfaces();
            assertTrue(counters.stream().anyMatch(c -> c.index() == swIfIndex && pod.spec().uid().equals(c.podUid())),
                    counters.toString());
            vpp.policies().apply(PolicySet.EMPTY);

            pod.detach();
            // The gateway loopback stays for later pods until the dataplane closes; the memif is gone.
            assertTrue(dataplane.interfaces().list().stream().noneMatch(i -> i.swIfIndex() == swIfIndex));
            assertEquals(before + 1, dataplane.interfaces().list().size());
            assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(socket)), "the memif socket file VPP left is removed");
        }
        try (Dataplane vpp = new VppProvider().open(DataplaneConfig.builder().provider("vpp")
                .option("vpp.socket", System.getenv("BOOSTER_VPP_API_SOCKET")).build())) {
            assertTrue(((VppDataplane) vpp).interfaces().list().stream().noneMatch(i -> i.interfaceName()
                    .startsWith("loop") && i.l2Address().equals(VppAddresses.mac(VppGateway.MAC))),
                    "closing took the gateway loopback back");
        }
    }
}
