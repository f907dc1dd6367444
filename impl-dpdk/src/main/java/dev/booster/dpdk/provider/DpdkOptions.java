package dev.booster.dpdk.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.dpdk.eal.EalOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code dpdk.*} options of a {@link DataplaneConfig}:
 * <ul>
 *   <li>{@code dpdk.mbufs}: mbufs in the dataplane's pool, default 16383 (2.3 KiB each, from the EAL's memory);
 *       every port receives into it, and a tap port keeps a ring of {@value dev.booster.dpdk.port.DpdkPort#RING_SIZE}
 *       of them filled.</li>
 *   <li>EAL options, fixed by the first dpdk dataplane of a JVM (DPDK initializes once per process; see
 *       {@link dev.booster.dpdk.eal.Eal}): {@code dpdk.memoryMb} (memory without hugepages, default 512),
 *       {@code dpdk.hugepages} ({@code auto}, default: use them when free; {@code on}; {@code off}),
 *       {@code dpdk.lcores} (EAL's {@code --lcores}), {@code dpdk.pci} (comma-separated PCI addresses to probe;
 *       without, EAL runs with {@code --no-pci}), {@code dpdk.ealArgs} (further EAL arguments, blank-separated).</li>
 *   <li>{@code dpdk.uplink}, {@code dpdk.uplink.routes}, {@code dpdk.uplink.gatewayMac}, {@code dpdk.uplink.podCidrs}:
 *       the uplink, see {@link DpdkUplinkOptions}; a PCI uplink joins the {@code dpdk.pci} list.</li>
 * </ul>
 */
record DpdkOptions(int mbufs, EalOptions eal, Optional<DpdkUplinkOptions> uplink) {
    static final String PREFIX = "dpdk.";
    static final String MBUFS = "dpdk.mbufs";
    static final String MEMORY_MB = "dpdk.memoryMb";
    static final String HUGEPAGES = "dpdk.hugepages";
    static final String LCORES = "dpdk.lcores";
    static final String PCI = "dpdk.pci";
    static final String EAL_ARGS = "dpdk.ealArgs";
    static final String MEMIF = "dpdk.memif";
    static final List<String> KEYS = List.of(MBUFS, MEMORY_MB, HUGEPAGES, LCORES, PCI, EAL_ARGS, MEMIF);
    static final int DEFAULT_MBUFS = 16_383;
    static final int MIN_MBUFS = 1023;
    static final int MAX_MBUFS = 1 << 22;

    static DpdkOptions defaults() {
        return new DpdkOptions(DEFAULT_MBUFS, EalOptions.defaults(), Optional.empty());
    }

    /**
     * {@value #MEMIF}: who serves memif pods. {@code booster} (default): Booster's Java memif, as on every engine
     * backend. {@code pmd}: DPDK's own {@code net_memif}; in 22.11 its interrupt thread can crash the JVM
     * ({@code rte_intr_fd_get}) when a pod is detached while its peer is connected, seen in the shared conformance
     * suite, so it is opt-in until that is understood.
     */
    static boolean memifByPmd(DataplaneConfig config) {
        return config.option(MEMIF).map(value -> switch (value.strip()) {
            case "booster" -> false;
            case "pmd" -> true;
            default -> throw new InvalidSpecException("options." + MEMIF, "\"" + value + "\" is not a memif driver; use booster or pmd");
        }).orElse(false);
    }

    static DpdkOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key) && !DpdkUplinkOptions.KEYS.contains(key)) {
                throw new InvalidSpecException("options." + key, "is not a dpdk option; known: " + String.join(", ", KEYS) + ", "
                        + String.join(", ", DpdkUplinkOptions.KEYS));
            }
        }
        int mbufs = config.option(MBUFS).map(v -> integer(MBUFS, v, MIN_MBUFS, MAX_MBUFS)).orElse(DEFAULT_MBUFS);
        int memoryMb = config.option(MEMORY_MB).map(v -> integer(MEMORY_MB, v, EalOptions.MIN_MEMORY_MB, 1 << 20))
                .orElse(EalOptions.DEFAULT_MEMORY_MB);
        EalOptions.Hugepages hugepages = config.option(HUGEPAGES).map(DpdkOptions::hugepages).orElse(EalOptions.Hugepages.AUTO);
        Optional<String> lcores = config.option(LCORES).map(String::strip).filter(s -> !s.isEmpty());
        Optional<DpdkUplinkOptions> uplink = DpdkUplinkOptions.from(config);
        List<String> pci = new ArrayList<>(config.option(PCI).map(DpdkOptions::pciAddresses).orElse(List.of()));
        if (uplink.isPresent() && uplink.get().device() instanceof DpdkUplinkOptions.Pci(String address) && !pci.contains(address)) {
            pci.add(address);
        }
        List<String> extra = config.option(EAL_ARGS).map(v -> Arrays.stream(v.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new DpdkOptions(mbufs, new EalOptions(memoryMb, hugepages, lcores, pci, extra), uplink);
    }

    private static int integer(String key, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidSpecException("options." + key, "\"" + value + "\" is not a number in " + min + ".." + max);
    }

    private static EalOptions.Hugepages hugepages(String value) {
        return switch (value.strip()) {
            case "auto" -> EalOptions.Hugepages.AUTO;
            case "on" -> EalOptions.Hugepages.ON;
            case "off" -> EalOptions.Hugepages.OFF;
            default -> throw new InvalidSpecException("options." + HUGEPAGES, "\"" + value + "\" is not auto, on or off");
        };
    }

    /** PCI addresses in DPDK's form, domain optional: {@code 0000:03:00.0} or {@code 03:00.0}. */
    private static List<String> pciAddresses(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String address = part.strip();
            if (address.isEmpty()) continue;
            if (!DpdkUplinkOptions.PCI_ADDRESS.matcher(address).matches()) {
                throw new InvalidSpecException("options." + PCI, "\"" + address + "\" is not a PCI address such as 0000:03:00.0");
            }
            out.add(address);
        }
        return out;
    }
}
