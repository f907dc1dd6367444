package dev.booster.afxdp.testing;

import dev.booster.afxdp.xsk.AfXdpSupport;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gatekeeper for tests tagged "privileged": they run only as root with libxdp present, and say so when they skip.
 * libxdp wants a bpffs for its multi-program dispatcher; when none is mounted and we are root, this mounts one at
 * /sys/fs/bpf (and prints that it did), as `xdp-loader` would ask you to.
 */
public final class Privileged {
    private static final Path BPFFS = Path.of("/sys/fs/bpf");

    private Privileged() {
    }

    /** Skips the calling test (with the reason printed) unless root can open AF_XDP sockets here; mounts bpffs if needed. */
    public static void assumeAfXdp() {
        assumeRoot();
        for (String tool : List.of("nc", "bash")) {
            if (!onPath(tool)) skip("`" + tool + "` is not installed (apt-get install netcat-openbsd bash)");
        }
        Optional<String> reason = AfXdpSupport.unavailableReason();
        if (reason.isPresent()) skip("AF_XDP is not available: " + reason.get());
        ensureBpffs();
    }

    /** Skips the calling test (with the reason printed) unless it runs as root. */
    public static void assumeRoot() {
        if (!isRoot()) skip("not root (uid " + uid() + "): privileged AF_XDP/netns tests need root");
        for (String tool : List.of("ip", "bpftool")) {
            if (!onPath(tool)) skip("`" + tool + "` is not installed (apt-get install iproute2 bpftool)");
        }
    }

    private static void skip(String reason) {
        System.out.println("SKIPPED privileged test: " + reason);
        Assumptions.abort(reason);
    }

    public static boolean isRoot() {
        return "0".equals(uid());
    }

    private static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")[1])
                    .findFirst().orElse("?");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    private static synchronized void ensureBpffs() {
        try {
            boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(line -> line.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals(BPFFS.toString()) && f[2].equals("bpf"));
            if (mounted) return;
            System.out.println("privileged test: mounting bpffs at " + BPFFS + " for libxdp (mount -t bpf bpf " + BPFFS + ")");
            Process mount = new ProcessBuilder("mount", "-t", "bpf", "bpf", BPFFS.toString()).inheritIO().start();
            if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0) {
                System.out.println("privileged test: could not mount bpffs; libxdp falls back to loading its program without a dispatcher");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A name unique to this JVM and call site tag, short enough for an interface name (IFNAMSIZ). */
    public static String uniqueName(String tag, String suffix) {
        String name = "bx" + tag + ProcessHandle.current().pid() + suffix;
        if (name.length() > 15) throw new IllegalArgumentException("test interface name " + name + " is too long");
        return name;
    }
}
