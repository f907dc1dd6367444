package dev.booster.dpdk.eal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the host offers the EAL: free hugepages, the CPUs this process may use, where EAL puts its runtime files. */
final class HostMemory {
    private HostMemory() {
    }

    /** Free hugepages of the default size and a hugetlbfs mount to take them from. */
    static boolean hugepagesUsable() {
        return freeHugepages(read("/proc/meminfo")) > 0 && hasHugetlbfsMount(read("/proc/mounts"));
    }

    static long freeHugepages(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("HugePages_Free:")) return Long.parseLong(line.substring("HugePages_Free:".length()).strip());
        }
        return 0;
    }

    static boolean hasHugetlbfsMount(List<String> mounts) {
        return mounts.stream().map(line -> line.split(" ")).anyMatch(f -> f.length > 2 && f[2].equals("hugetlbfs"));
    }

    /** The CPUs this process may run on ({@code Cpus_allowed_list} of /proc/self/status), e.g. "0-3". */
    static String cpusAllowed() {
        return cpusAllowed(read("/proc/self/status"))
                .orElseGet(() -> "0-" + (Runtime.getRuntime().availableProcessors() - 1));
    }

    static Optional<String> cpusAllowed(List<String> status) {
        return status.stream().filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring("Cpus_allowed_list:".length()).strip()).filter(s -> !s.isEmpty()).findFirst();
    }

    /** EAL's runtime directory parent: /var/run/dpdk for root, else $XDG_RUNTIME_DIR/dpdk or /tmp/dpdk (eal_filesystem.c). */
    static Path runtimeDirectory() {
        if (isRoot()) return Path.of("/var/run/dpdk");
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return Path.of(xdg != null ? xdg : "/tmp", "dpdk");
    }

    private static boolean isRoot() {
        return read("/proc/self/status").stream().filter(l -> l.startsWith("Uid:"))
                .anyMatch(l -> l.substring(4).strip().split("\\s+")[0].equals("0")); // the real uid, as EAL's getuid()
    }

    private static List<String> read(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
