package dev.booster.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CleanupCommandTest {
    private static final long LIVE_PID = 4242;
    private static final long DEAD_PID = 777;

    @TempDir
    Path netnsDir;

    private final List<String> veths = new ArrayList<>(List.of("bst0123456789", "bstabcdefabcd"));
    private final List<String> deletedNamespaces = new ArrayList<>();

    /** Deletes like the host would: each veth once, then it is gone. */
    private List<String> removeVeths() {
        List<String> removed = List.copyOf(veths);
        veths.clear();
        return removed;
    }

    private boolean deleteNamespace(String name) {
        deletedNamespaces.add(name);
        try {
            return Files.deleteIfExists(netnsDir.resolve(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String run() {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            var cleanup = new DemoNamespaceCleanup(netnsDir, pid -> pid == LIVE_PID, this::deleteNamespace);
            assertEquals(0, new CleanupCommand(out, this::removeVeths, cleanup).run(List.of()));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void removesLeftoverVethsAndTheNamespacesOfDeadDemosOnlyAndIsIdempotent() throws IOException {
        for (String name : List.of("bst-demo-777-frontend", "bst-demo-777-backend", "bst-demo-4242-frontend", "someone-else", "bst-demo-x-y")) {
            Files.createFile(netnsDir.resolve(name));
        }

        assertEquals("""
                removed host veth bst0123456789 (and its pod end)
                removed host veth bstabcdefabcd (and its pod end)
                kept network namespace bst-demo-4242-frontend: its demo (pid 4242) is still running
                removed network namespace bst-demo-777-backend (its demo, pid 777, is gone)
                removed network namespace bst-demo-777-frontend (its demo, pid 777, is gone)
                removed 4 leftover(s)
                """, run());
        assertEquals(List.of("bst-demo-777-backend", "bst-demo-777-frontend"), deletedNamespaces);
        assertEquals(List.of("bst-demo-4242-frontend", "bst-demo-x-y", "someone-else"),
                Files.list(netnsDir).map(p -> p.getFileName().toString()).sorted().toList());

        assertEquals("""
                kept network namespace bst-demo-4242-frontend: its demo (pid 4242) is still running
                nothing to remove
                """, run());
    }

    @Test
    void aHostWithoutNamedNamespacesHasNothingToRemove() throws IOException {
        Files.delete(netnsDir);
        veths.clear();

        assertEquals("nothing to remove\n", run());
    }

    @Test
    void takesNoArguments() {
        var cleanup = new DemoNamespaceCleanup(netnsDir, pid -> false, name -> true);
        var command = new CleanupCommand(System.out, List::of, cleanup);
        org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> command.run(List.of("now")));
    }
}
