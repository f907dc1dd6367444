package dev.booster.dpdk.eal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How this JVM's EAL is initialized. DPDK initializes its EAL once per process, so the first dataplane to open
 * decides; a later one asking for different options is refused (see {@link Eal#acquire}).
 *
 * @param memoryMb    without hugepages, the memory EAL takes with {@code --no-huge -m} (ordinary pages); ignored
 *                    with hugepages, where EAL grows its memory on demand
 * @param hugepages   whether to use hugepages: {@link Hugepages#AUTO} uses them when some are free and hugetlbfs is
 *                    mounted
 * @param lcores      EAL's {@code --lcores} map; empty: lcore 0 on every CPU this process may run on, so EAL pins
 *                    no thread of the JVM (Booster's worker is a thread of its own, not an EAL lcore)
 * @param pciDevices  PCI addresses to probe ({@code -a}); empty: {@code --no-pci}, so EAL touches no PCI device
 * @param extraArgs   further EAL arguments, appended as they are
 */
public record EalOptions(int memoryMb, Hugepages hugepages, Optional<String> lcores, List<String> pciDevices, List<String> extraArgs) {

    public enum Hugepages { AUTO, ON, OFF }

    public static final int DEFAULT_MEMORY_MB = 512;
    public static final int MIN_MEMORY_MB = 64;

    public EalOptions {
        if (memoryMb < MIN_MEMORY_MB) throw new IllegalArgumentException("memoryMb must be at least " + MIN_MEMORY_MB + ", not " + memoryMb);
        Objects.requireNonNull(hugepages, "hugepages");
        Objects.requireNonNull(lcores, "lcores");
        pciDevices = List.copyOf(pciDevices);
        extraArgs = List.copyOf(extraArgs);
    }

    public static EalOptions defaults() {
        return new EalOptions(DEFAULT_MEMORY_MB, Hugepages.AUTO, Optional.empty(), List.of(), List.of());
    }

    /**
     * The argument vector for {@code rte_eal_init} (program name first).
     *
     * @param filePrefix          {@code --file-prefix}: names the runtime directory; unique per JVM
     * @param hugepagesUsable     whether this host has free hugepages and a hugetlbfs mount
     * @param cpusAllowed         the CPUs this process may run on, as a list ("0-3,6"), for the default lcore map
     */
    public List<String> arguments(String filePrefix, boolean hugepagesUsable, String cpusAllowed) {
        List<String> args = new ArrayList<>(List.of("booster", "--file-prefix", filePrefix, "--no-telemetry"));
        args.add("--lcores");
        args.add(lcores.orElse("0@(" + cpusAllowed + ")"));
        if (useHugepages(hugepagesUsable)) {
            // No files in hugetlbfs or the runtime directory: nothing is left behind when the JVM dies.
            args.add("--in-memory");
        } else {
            // --in-memory refuses --no-huge (it means --legacy-mem); --no-shconf is its part that applies.
            args.addAll(List.of("--no-huge", "--no-shconf", "-m", Integer.toString(memoryMb)));
        }
        if (pciDevices.isEmpty()) {
            args.add("--no-pci");
        } else {
            for (String device : pciDevices) args.addAll(List.of("-a", device));
        }
        args.addAll(extraArgs);
        return args;
    }

    boolean useHugepages(boolean hugepagesUsable) {
        return switch (hugepages) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> hugepagesUsable;
        };
    }
}
