package dev.booster.cli;

import dev.booster.host.link.IpLinkManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code booster cleanup} on real namespaces: a dead demo's are deleted, a live one's kept, a second run finds nothing.
 * The host-veth half is {@link dev.booster.afxdp.provider.AfXdpCleanup}'s, tested in impl-afxdp; here it is left out,
 * since on a shared host it would delete the live veths of other Booster processes.
 */
@Tag("privileged")
class CleanupCommandPrivilegedTest {
    private final IpLinkManager links = new IpLinkManager();
    private final List<String> created = new ArrayList<>();

    @AfterEach
    void deleteWhatIsLeft() {
        created.forEach(links::deleteNamespace);
    }

    private String add(String name) {
        links.addNamespace(name);
        created.add(name);
        return name;
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static String cleanup() {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, new CleanupCommand(out, List::of, DemoNamespaceCleanup.system()).run(List.of()));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deletesTheNamespacesOfADeadDemoAndKeepsALiveOnes() throws Exception {
        PrivilegedDemo.assumeRoot();
        long dead = deadPid();
        String deadFrontend = add(DemoNamespaces.PREFIX + dead + "-frontend");
        String deadBackend = add(DemoNamespaces.PREFIX + dead + "-backend");
        String live = add(DemoNamespaces.PREFIX + ProcessHandle.current().pid() + "-frontend");

        String first = cleanup();
        assertTrue(first.contains("removed network namespace " + deadFrontend + " (its demo, pid " + dead + ", is gone)\n"), first);
        assertTrue(first.contains("removed network namespace " + deadBackend), first);
        assertTrue(first.contains("kept network namespace " + live + ": its demo (pid " + ProcessHandle.current().pid() + ") is still running"), first);
        assertFalse(links.namespaceExists(deadFrontend));
        assertFalse(links.namespaceExists(deadBackend));
        assertTrue(links.namespaceExists(live));

        String second = cleanup();
        assertFalse(second.contains(String.valueOf(dead)), "nothing of the dead demo is left to remove: " + second);
    }
}
