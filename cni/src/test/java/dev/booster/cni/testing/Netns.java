package dev.booster.cni.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Named network namespaces made with {@code ip netns add booster-cni-<pid>-<name>} (unique per JVM, so parallel
 * runs never meet) and commands run in them; {@link #close} deletes every one still there.
 */
public final class Netns implements AutoCloseable {
    private final String prefix = "booster-cni-" + ProcessHandle.current().pid() + "-";
    private final List<String> made = new ArrayList<>();

    /** Creates namespace {@code name} (a leftover of the same name is replaced) and returns its path. */
    public String add(String name) {
        String full = prefix + name;
        run("ip", "netns", "del", full);
        Result r = run("ip", "netns", "add", full);
        if (r.code() != 0) throw new IllegalStateException("ip netns add " + full + " failed: " + r.output());
        made.add(full);
        return "/var/run/netns/" + full;
    }

    public void delete(String path) {
        String name = Path.of(path).getFileName().toString();
        made.remove(name);
        run("ip", "netns", "del", name);
    }

    /** Runs {@code command} inside the namespace at {@code path}. */
    public static Result exec(String path, String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", Path.of(path).getFileName().toString()));
        argv.addAll(List.of(command));
        return run(argv.toArray(String[]::new));
    }

    public record Result(int code, String output) {
    }

    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (String name : List.copyOf(made)) run("ip", "netns", "del", name);
        made.clear();
    }
}
