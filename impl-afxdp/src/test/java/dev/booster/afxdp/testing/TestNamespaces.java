package dev.booster.afxdp.testing;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.CommandRunner;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces a test creates (named {@code booster-test-<tag>-<pid>-<name>}, so parallel runs do not meet),
 * commands run inside them, and background processes (servers) started there. Closing kills the processes and deletes
 * the namespaces, whatever state the test left them in.
 */
public final class TestNamespaces implements AutoCloseable {
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final LinkManager links = new IpLinkManager();
    private final String prefix;
    private final List<String> created = new ArrayList<>();
    private final List<Process> background = new ArrayList<>();

    public TestNamespaces(String tag) {
        this.prefix = "booster-test-" + tag + "-" + ProcessHandle.current().pid() + "-";
    }

    /** Creates namespace {@code name} (deleting a leftover of an earlier run with the same pid) and returns its full name. */
    public String add(String name) {
        String full = prefix + name;
        links.deleteNamespace(full);
        links.addNamespace(full);
        created.add(full);
        return full;
    }

    /** Deletes namespace {@code fullName} made by {@link #add} now, rather than at close. */
    public void remove(String fullName) {
        if (created.remove(fullName)) links.deleteNamespace(fullName);
    }

    public static Path path(String netns) {
        return Path.of("/var/run/netns", netns);
    }

    /** Runs {@code command} inside {@code netns} to completion (at most 20 s); the result says how it ended. */
    public CommandResult exec(String netns, String... command) {
        return CommandRunner.processes().run(inNetns(netns, command), COMMAND_TIMEOUT);
    }

    /** Runs a shell command line inside {@code netns}. */
    public CommandResult shell(String netns, String commandLine) {
        return exec(netns, "sh", "-c", commandLine);
    }

    /** Starts {@code command} inside {@code netns} in the background; {@link Background#finish} collects its output. */
    public Background start(String netns, String... command) {
        try {
            Process process = new ProcessBuilder(inNetns(netns, command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            background.add(process);
            return new Background(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until something listens on {@code port} ({@code tcp} or {@code udp}) in {@code netns}, up to 5 s. */
    public void awaitListening(String netns, String protocol, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String flag = protocol.equals("udp") ? "-lun" : "-ltn";
        while (System.nanoTime() < deadline) {
            String out = exec(netns, "ss", "-H", flag, "sport = :" + port).stdout();
            if (!out.isBlank()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("nothing listens on " + protocol + "/" + port + " in " + netns);
    }

    private static List<String> inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return full;
    }

    @Override
    public void close() {
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        background.clear();
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

    /** A process running in the background. */
    public record Background(Process process) {
        /** Waits up to {@code timeout} for the process to end (then kills it) and returns everything it printed. */
        public String finish(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Through the handle: Process.destroy would also close the pipe and lose what is still in it.
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.toHandle().destroyForcibly();
                process.waitFor();
            }
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Kills the process now and returns what it printed. */
        public String stop() throws InterruptedException {
            return finish(Duration.ZERO);
        }
    }
}
