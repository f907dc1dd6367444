package dev.booster.cli;

import dev.booster.host.link.CommandFailedException;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.CommandRunner;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The network namespaces of a demo run, named {@code bst-demo-<pid>-<pod>} (the pid keeps concurrent runs apart and
 * lets {@code booster cleanup} tell a crashed run's namespaces from a live one's), the commands run inside them and
 * the servers started there. Closing kills the servers and deletes the namespaces; it may be called more than once.
 */
final class DemoNamespaces implements AutoCloseable {
    static final String PREFIX = "bst-demo-";

    private final LinkManager links = new IpLinkManager();
    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();

    DemoNamespaces(long pid) {
        this.prefix = PREFIX + pid + "-";
    }

    /** Creates namespace {@code bst-demo-<pid>-<name>} and returns its name. */
    synchronized String add(String name) {
        String full = prefix + name;
        links.deleteNamespace(full); // a leftover of a crashed run that had our pid
        links.addNamespace(full);
        created.add(full);
        return full;
    }

    static Path path(String netns) {
        return Path.of("/var/run/netns", netns);
    }

    /** Runs {@code command} in {@code netns}; a command that outlives {@code timeout} is killed and reported as exit -1. */
    CommandResult exec(String netns, Duration timeout, String... command) {
        List<String> argv = inNetns(netns, command);
        try {
            return CommandRunner.processes().run(argv, timeout);
        } catch (CommandFailedException e) {
            return new CommandResult(argv, -1, "", e.getMessage());
        }
    }

    /** Starts a server in {@code netns}; it runs until {@link #close()}. */
    synchronized void startServer(String netns, String... command) {
        try {
            Process p = new ProcessBuilder(inNetns(netns, command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            servers.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command) + " in " + netns, e);
        }
    }

    /** Waits until a TCP socket listens on {@code port} in {@code netns}, up to 5 s. */
    void awaitTcpListener(String netns, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!exec(netns, Duration.ofSeconds(5), "ss", "-H", "-ltn", "sport = :" + port).stdout().isBlank()) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("the demo's server on TCP/" + port + " in " + netns + " did not start listening within 5 s");
    }

    private static List<String> inNetns(String netns, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        argv.addAll(List.of(command));
        return argv;
    }

    @Override
    public synchronized void close() {
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        servers.clear();
        RuntimeException failure = null;
        for (String netns : created) {
            try {
                links.deleteNamespace(netns);
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        created.clear();
        if (failure != null) throw failure;
    }
}
