package dev.booster.cli;

import dev.booster.host.link.IpLinkManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the network namespaces of demo runs that died without cleaning up ({@code bst-demo-<pid>-<pod>} whose process
 * is gone) and deletes them; a namespace of a demo that is still running is kept.
 *
 * @param netnsDir where {@code ip netns} keeps its names ({@code /var/run/netns})
 * @param alive    whether a process with that pid runs
 * @param delete   deletes a namespace by name; false when it was already gone
 */
record DemoNamespaceCleanup(Path netnsDir, LongPredicate alive, Predicate<String> delete) {
    private static final Pattern DEMO_NAME = Pattern.compile(Pattern.quote(DemoNamespaces.PREFIX) + "(\\d+)-.+");

    /** What one namespace came to. */
    sealed interface Outcome {
        String netns();
    }

    record Removed(String netns, long pid) implements Outcome {
    }

    record KeptLive(String netns, long pid) implements Outcome {
    }

    static DemoNamespaceCleanup system() {
        IpLinkManager links = new IpLinkManager();
        return new DemoNamespaceCleanup(Path.of("/var/run/netns"), pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                links::deleteNamespace);
    }

    List<Outcome> run() {
        List<Outcome> outcomes = new ArrayList<>();
        if (!Files.isDirectory(netnsDir)) return outcomes; // no namespace was ever named on this host
        List<String> names;
        try (Stream<Path> entries = Files.list(netnsDir)) {
            names = entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + netnsDir, e);
        }
        for (String name : names) {
            Matcher m = DEMO_NAME.matcher(name);
            if (!m.matches()) continue;
            long pid = Long.parseLong(m.group(1));
            if (alive.test(pid)) {
                outcomes.add(new KeptLive(name, pid));
            } else if (delete.test(name)) {
                outcomes.add(new Removed(name, pid));
            }
        }
        return outcomes;
    }
}
