package dev.booster.cni.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace held by a {@code sleep} under {@code unshare --net} (with {@code -r}, a user namespace, when not
 * root), known by {@code /proc/PID/ns/net}: a namespace the way a container runtime hands one over, made without
 * {@code ip netns add}. Closing kills the process, and the namespace goes with it.
 */
public final class ScratchNetns implements AutoCloseable {
    private final Process holder;
    private final Path path;

    private ScratchNetns(Process holder) {
        this.holder = holder;
        this.path = Path.of("/proc/" + holder.pid() + "/ns/net");
    }

    /** Starts one; skips the calling test (saying why) where namespaces cannot be made. */
    public static ScratchNetns start() {
        boolean root = "root".equals(System.getProperty("user.name"));
        ProcessBuilder pb = root ? new ProcessBuilder("unshare", "--net", "sleep", "600")
                : new ProcessBuilder("unshare", "-r", "--net", "sleep", "600");
        try {
            Process p = pb.redirectErrorStream(true).start();
            Path own = Path.of("/proc/self/ns/net");
            for (int i = 0; i < 200; i++) {
                Path ns = Path.of("/proc/" + p.pid() + "/ns/net");
                if (!p.isAlive()) break;
                if (Files.exists(ns) && !Files.isSameFile(ns, own)) return new ScratchNetns(p);
                Thread.sleep(5);
            }
            String out = new String(p.getInputStream().readNBytes(1000));
            p.destroyForcibly();
            Assumptions.abort("cannot make a network namespace with unshare: " + out);
            throw new IllegalStateException("unreachable");
        } catch (IOException e) {
            Assumptions.abort("unshare is not available: " + e.getMessage());
            throw new IllegalStateException("unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        holder.destroyForcibly();
        try {
            holder.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
