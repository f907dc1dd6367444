package dev.booster.cli;

import dev.booster.afxdp.provider.AfXdpCleanup;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code booster cleanup}: removes what a crashed Booster left behind: the host ends of pods' veths
 * ({@code bst...}, {@link AfXdpCleanup}; their pod ends go with them) and the network namespaces of demo runs whose
 * process is gone. Running it again finds nothing. Run it only when no Booster dataplane serves pods on this host:
 * a live dataplane's veths look the same as a dead one's.
 */
final class CleanupCommand implements Command {
    private final PrintStream out;
    private final Supplier<List<String>> removeHostVeths;
    private final DemoNamespaceCleanup demoNamespaces;

    CleanupCommand(PrintStream out, Supplier<List<String>> removeHostVeths, DemoNamespaceCleanup demoNamespaces) {
        this.out = out;
        this.removeHostVeths = removeHostVeths;
        this.demoNamespaces = demoNamespaces;
    }

    static CleanupCommand system(PrintStream out) {
        return new CleanupCommand(out, AfXdpCleanup::removeLeftovers, DemoNamespaceCleanup.system());
    }

    @Override
    public String name() {
        return "cleanup";
    }

    @Override
    public String summary() {
        return "remove what a crashed Booster left behind (bst... veths, demo namespaces); needs root";
    }

    @Override
    public int run(List<String> args) {
        Command.expectNoArguments(name(), args);
        int removed = 0;
        for (String veth : removeHostVeths.get()) {
            out.println("removed host veth " + veth + " (and its pod end)");
            removed++;
        }
        for (DemoNamespaceCleanup.Outcome outcome : demoNamespaces.run()) {
            switch (outcome) {
                case DemoNamespaceCleanup.Removed r -> {
                    out.println("removed network namespace " + r.netns() + " (its demo, pid " + r.pid() + ", is gone)");
                    removed++;
                }
                case DemoNamespaceCleanup.KeptLive k ->
                        out.println("kept network namespace " + k.netns() + ": its demo (pid " + k.pid() + ") is still running");
            }
        }
        out.println(removed == 0 ? "nothing to remove" : "removed " + removed + " leftover(s)");
        return 0;
    }
}
