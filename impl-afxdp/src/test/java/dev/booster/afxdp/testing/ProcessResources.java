package dev.booster.afxdp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What this JVM holds of the kernel's: descriptors by kind, BPF programs. For leak tests. */
public final class ProcessResources {
    private ProcessResources() {
    }

    /** Open descriptors of this process by kind: "socket", "bpf" (anon_inode:bpf-prog/map/link), "pipe", "file"... */
    public static Map<String, Integer> openDescriptorKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // the descriptor listing itself, closed meanwhile
                }
                String kind = target.startsWith("socket:") ? "socket"
                        : target.startsWith("anon_inode:bpf") ? "bpf"
                        : target.startsWith("pipe:") ? "pipe"
                        : target.startsWith("anon_inode:") ? target
                        : "file";
                kinds.merge(kind, 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kinds;
    }

    public static int total(Map<String, Integer> kinds) {
        return kinds.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * BPF programs and links this process holds descriptors to (a leaked link keeps its program attached). Read from
     * /proc/self/fd: bpftool's holder list needs a bpftool built with BPF skeletons, which Debian's is not, and then
     * always said zero.
     */
    public static long bpfProgramsHeldByThisProcess() {
        return bpfDescriptors("bpf-prog") + bpfDescriptors("bpf_link");
    }

    /**
     * This process's open descriptors of one BPF object kind ("bpf-map", "bpf-prog", "bpf_link"), read from
     * /proc/self/fd: unlike bpftool's holder list, which needs a bpftool built with BPF skeletons, it always works.
     */
    public static long bpfDescriptors(String kind) {
        return openDescriptorTargets().stream().filter(t -> t.equals("anon_inode:" + kind)).count();
    }

    /** This process's resident memory (VmRSS of /proc/self/status), in KiB. */
    public static long residentKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }

    private static java.util.List<String> openDescriptorTargets() {
        java.util.List<String> targets = new java.util.ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // the descriptor listing itself, closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return targets;
    }
}
