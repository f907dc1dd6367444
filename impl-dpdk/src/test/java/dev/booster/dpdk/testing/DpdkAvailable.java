package dev.booster.dpdk.testing;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.ffi.RteEthdev;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.dpdk.ffi.RteMempool;
import org.junit.jupiter.api.Assumptions;

import java.util.List;
import java.util.Optional;

/** Gate for tests that need DPDK: they run only where the librte libraries load (and as root, for the privileged ones). */
public final class DpdkAvailable {
    private DpdkAvailable() {
    }

    /** Skips the calling test (with the reason printed) unless the DPDK 22.11 libraries load. */
    public static void assumeLibraries() {
        for (var library : List.of(RteEal.LIBRARY, RteEthdev.LIBRARY, RteMbuf.LIBRARY, RteMempool.LIBRARY)) {
            Optional<String> reason = library.unavailableReason();
            if (reason.isPresent()) {
                System.out.println("SKIPPED DPDK test: " + reason.get());
                Assumptions.abort(reason.get());
            }
        }
    }

    /** Skips unless root with the DPDK libraries (veths, namespaces and AF_PACKET sockets need root). */
    public static void assumePrivileged() {
        Privileged.assumeRoot();
        assumeLibraries();
    }
}
