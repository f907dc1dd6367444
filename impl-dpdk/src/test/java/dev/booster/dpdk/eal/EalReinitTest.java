package dev.booster.dpdk.eal;

import dev.booster.dpdk.testing.DpdkAvailable;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Why the EAL lives as long as the JVM: after {@code rte_eal_cleanup}, {@code rte_eal_init} fails with EALREADY. Run in
 * a JVM of its own ({@link ReinitProbe}), since it leaves that JVM without an EAL.
 */
class EalReinitTest {

    @Test
    void dpdkCannotInitializeAgainAfterCleanup() throws Exception {
        DpdkAvailable.assumePrivileged();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ReinitProbe.class.getName()).redirectErrorStream(true).start();
        probe.getOutputStream().close();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe JVM finished");
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), output);
        List<String> results = output.lines().filter(l -> l.startsWith("probe: ")).toList();
        assertEquals(List.of("probe: init 0", "probe: cleanup 0", "probe: reinit -1 errno 114"), results, output); // EALREADY
        assertFalse(Files.exists(HostMemory.runtimeDirectory().resolve("booster-" + probe.pid())), "no runtime directory is left");
    }
}
