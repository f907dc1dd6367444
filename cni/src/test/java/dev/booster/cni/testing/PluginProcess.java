package dev.booster.cni.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plugin binary as a CNI runtime does: a fresh process with exactly the given environment and the network
 * configuration on stdin; its stdout and exit code are the answer.
 */
public final class PluginProcess {
    /** The launcher as shipped (the module's {@code src/main/sh/booster-cni}; tests run in the module directory). */
    public static final Path LAUNCHER = Path.of("src/main/sh/booster-cni").toAbsolutePath();

    private PluginProcess() {
    }

    public record Outcome(int exitCode, String stdout, String stderr, long nanos) {
    }

    public static Outcome run(Path binary, Map<String, String> environment, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.environment().clear();
        pb.environment().putAll(environment);
        long start = System.nanoTime();
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(binary + " did not finish within 60 s");
            }
            return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8), System.nanoTime() - start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
