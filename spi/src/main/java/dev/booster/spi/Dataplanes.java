package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds backends and opens dataplanes: the {@code DriverManager} of Booster.
 *
 * <pre>{@code
 * try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("afxdp").build())) { ... }
 * }</pre>
 */
public final class Dataplanes {

    private Dataplanes() {
    }

    /** The providers visible to the context class loader (else this class's loader), sorted by name. */
    public static List<DataplaneProvider> providers() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return providers(cl != null ? cl : Dataplanes.class.getClassLoader());
    }

    /** The providers visible to {@code loader}, sorted by name. A provider that fails to load is skipped, not fatal. */
    public static List<DataplaneProvider> providers(ClassLoader loader) {
        List<DataplaneProvider> found = new ArrayList<>();
        var it = ServiceLoader.load(DataplaneProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                System.getLogger(Dataplanes.class.getName()).log(System.Logger.Level.WARNING,
                        "skipping a dataplane provider that failed to load: " + e.getMessage());
            }
        }
        found.sort(Comparator.comparing(DataplaneProvider::name));
        return List.copyOf(found);
    }

    /** The provider called {@code name}, if discovered. */
    public static Optional<DataplaneProvider> provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Opens a dataplane on provider {@code name}, with {@code config} otherwise as given. */
    public static Dataplane open(String name, DataplaneConfig config) {
        return open(config.toBuilder().provider(name).build());
    }

    /**
     * Opens a dataplane: on the provider the config names, or else on the available provider with the highest
     * priority that has every required capability.
     *
     * @throws NoProviderException            none fits; the message lists each provider with its probe result
     * @throws UnsupportedCapabilityException the named provider lacks a required capability
     */
    public static Dataplane open(DataplaneConfig config) {
        return open(config, providers());
    }

    /** As {@link #open(DataplaneConfig)}, choosing among {@code candidates} (for tests and custom class loading). */
    public static Dataplane open(DataplaneConfig config, List<DataplaneProvider> candidates) {
        return select(config, candidates).open(config);
    }

    /** The provider {@link #open(DataplaneConfig, List)} would use, without opening it. */
    public static DataplaneProvider select(DataplaneConfig config, List<DataplaneProvider> candidates) {
        Set<Capability> required = config.requiredCapabilities();
        if (config.provider().isPresent()) {
            String name = config.provider().get();
            DataplaneProvider p = candidates.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NoProviderException("no dataplane provider named '" + name + "'; discovered: "
                            + describe(candidates, required) + ". Add the provider's module (e.g. booster-impl-" + name
                            + ") to the class path."));
            for (Capability c : required) {
                if (!p.capabilities().contains(c)) throw new UnsupportedCapabilityException(name, c, "it was required by the config");
            }
            Availability a = p.probe();
            if (!a.isAvailable()) {
                Availability.Unavailable u = (Availability.Unavailable) a;
                throw new NoProviderException("dataplane provider '" + name + "' is not available here: " + u.reason());
            }
            return p;
        }
        return candidates.stream()
                .filter(p -> p.capabilities().containsAll(required))
                .sorted(Comparator.comparingInt(DataplaneProvider::priority).reversed().thenComparing(DataplaneProvider::name))
                .filter(p -> p.probe().isAvailable())
                .findFirst()
                .orElseThrow(() -> new NoProviderException("no available dataplane provider"
                        + (required.isEmpty() ? "" : " with " + EnumSet.copyOf(required))
                        + (candidates.isEmpty() ? "; none was discovered: add a backend module such as booster-testkit (provider 'memory') to the class path"
                        : "; discovered: " + describe(candidates, required))));
    }

    private static String describe(List<DataplaneProvider> candidates, Set<Capability> required) {
        if (candidates.isEmpty()) return "none";
        List<String> lines = new ArrayList<>();
        for (DataplaneProvider p : candidates) {
            EnumSet<Capability> missing = required.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(required);
            missing.removeAll(p.capabilities());
            Availability a = p.probe();
            lines.add("'" + p.name() + "' (" + a + (missing.isEmpty() ? "" : "; lacks " + missing) + ")");
        }
        return String.join(", ", lines);
    }
}
