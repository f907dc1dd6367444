package dev.booster.agent.testing;

import dev.booster.spi.Availability;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces standing in for pods' sandboxes, named {@code booster-agent-<pid>-<name>} (unique per JVM, so
 * parallel runs never meet), with the kernel's own tools run inside; {@link #close} deletes every one made and ends
 * every process started. Deleting a namespace deletes the veth end in it, and with it the host end.
 */
public final class PodNamespaces implements AutoCloseable {
    public static final Path DEBIAN_PLUGINS = Path.of("/usr/lib/cni");
    private final String prefix = "booster-agent-" + ProcessHandle.current().pid() + "-";
    private final List<String> made = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    public record Result(int code, String output) {
    }

    /** Skips the calling test (saying why) unless root with AF_XDP, Debian's host-local and netcat-openbsd. */
    public static void assumePrivileged() {
        if (!isRoot()) skip("not root: real namespaces and AF_XDP need root");
        if (!Files.isExecutable(DEBIAN_PLUGINS.resolve("host-local"))) skip(DEBIAN_PLUGINS.resolve("host-local") + " is missing (apt-get install containernetworking-plugins)");
        if (run("nc", "-h").output().isEmpty()) skip("nc is missing (apt-get install netcat-openbsd)");
        Availability afxdp = Dataplanes.provider("afxdp").map(Dataplanes::probe).orElse(Availability.unavailable("provider afxdp is not on the class path"));
        if (!afxdp.isAvailable()) skip("provider afxdp: " + afxdp);
    }

    private static void skip(String reason) {
        System.out.println("SKIPPED privileged test: " + reason);
        Assumptions.abort(reason);
    }

    /** Creates namespace {@code name} (replacing a leftover of the same name) and returns its path, as a runtime passes it. */
    public String add(String name) {
        String full = prefix + name;
        run("ip", "netns", "del", full);
        Result r = run("ip", "netns", "add", full);
        if (r.code() != 0) throw new IllegalStateException("ip netns add " + full + " failed: " + r.output());
        made.add(full);
        exec("/var/run/netns/" + full, "ip", "link", "set", "lo", "up");
        return "/var/run/netns/" + full;
    }

    /** Runs {@code command} in the namespace at {@code path} to completion (30 s at most). */
    public Result exec(String path, String... command) {
        return run(inNetns(path, command));
    }

    /** Starts {@code command} in the namespace at {@code path} with {@code stdin} as its input; {@link #close} ends it if still running. */
    public Process start(String path, String stdin, String... command) {
        try {
            Process p = new ProcessBuilder(inNetns(path, command)).redirectErrorStream(true).start();
            started.add(p);
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until something listens on TCP {@code port} in the namespace. */
    public void awaitListening(String path, int port) {
        Eventually.await(() -> exec(path, "ss", "-Hltn", "sport = :" + port).output().contains(":" + port), () -> "nothing listens on " + port);
    }

    /**
     * Whether a TCP connection from {@code from} to {@code address}:{@code port} (a one-shot {@code nc -l} in {@code to})
     * carries data both ways within 2 s.
     */
    public boolean connects(String from, String to, String address, int port) {
        // nc itself, not a shell pipeline, so that ending the process ends the listener.
        Process server = start(to, "pong\n", "nc", "-N", "-l", Integer.toString(port));
        awaitListening(to, port);
        Result client = runWithInput("ping\n", inNetns(from, "nc", "-N", "-w", "2", address, Integer.toString(port)));
        String got;
        try {
            if (!server.waitFor(2, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                got = "";
            } else {
                got = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        boolean connected = client.code() == 0 && client.output().equals("pong\n") && got.equals("ping\n");
        System.out.println("connect " + address + ":" + port + " -> " + connected + " (client exit " + client.code() + ", said \""
                + client.output().strip() + "\", server got \"" + got.strip() + "\")");
        return connected;
    }

    private static String[] inNetns(String path, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", Path.of(path).getFileName().toString()));
        argv.addAll(List.of(command));
        return argv.toArray(String[]::new);
    }

    public static Result run(String... command) {
        return runWithInput("", command);
    }

    /** Runs {@code command} with {@code stdin} as its input, to completion (30 s at most). */
    public static Result runWithInput(String stdin, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String name : made) run("ip", "netns", "del", name);
        made.clear();
    }
}
