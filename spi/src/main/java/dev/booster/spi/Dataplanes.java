package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.UnsupportedCapabilityException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    private static final System.Logger LOG = System.getLogger(Dataplanes.class.getName());

    private static final Comparator<DataplaneProvider> BEST_FIRST =
            Comparator.comparingInt(DataplaneProvider::priority).reversed().thenComparing(DataplaneProvider::name);

    private Dataplanes() {
    }

    /** The providers visible to the context class loader (else this class's loader), sorted by name. */
    public static List<DataplaneProvider> providers() {
        return providers(defaultLoader());
    }

    /**
     * The providers visible to {@code loader}, sorted by name. A provider that fails to load is skipped with a
     * warning, not fatal: one broken backend jar must not take the others down.
     */
    public static List<DataplaneProvider> providers(ClassLoader loader) {
        Discovery found = discover(loader);
        for (String skipped : found.skipped()) {
            LOG.log(System.Logger.Level.WARNING, "skipping a dataplane provider that failed to load: " + skipped);
        }
        return found.providers();
    }

    /** As {@link #providers(ClassLoader)} on the default loader, also saying what was skipped (for diagnostics). */
    public static Discovery discover() {
        return discover(defaultLoader());
    }

    /** As {@link #providers(ClassLoader)}, also saying what was skipped and why, without logging. */
    public static Discovery discover(ClassLoader loader) {
        List<DataplaneProvider> found = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Iterator<DataplaneProvider> it = ServiceLoader.load(DataplaneProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // ServiceLoader moves past an entry that fails, but not past services files it cannot list: the
                // same failure twice in a row means it made no progress and would fail forever.
                String why = describeFailure(e);
                if (!skipped.isEmpty() && skipped.getLast().equals(why)) break;
                skipped.add(why);
            }
        }
        found.sort(Comparator.comparing(DataplaneProvider::name));
        return new Discovery(found, skipped);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : Dataplanes.class.getClassLoader();
    }

    private static String describeFailure(Throwable e) {
        if (e instanceof LinkageError) {
            // The JDK does not say which provider was loading, only what it lacked.
            return "a provider class failed to link: " + e + " (a jar it needs is missing from the class path)";
        }
        return e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")");
    }

    /** The provider called {@code name}, if discovered. */
    public static Optional<DataplaneProvider> provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * {@code provider.probe()}, holding it to its contract: a probe that throws (a missing native library shows up
     * as {@link UnsatisfiedLinkError}) or returns null means unavailable, with the cause kept.
     */
    public static Availability probe(DataplaneProvider provider) {
        try {
            Availability a = provider.probe();
            return a != null ? a : Availability.unavailable("probe() of provider '" + provider.name() + "' returned null");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe() failed", e);
        }
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

    /**
     * The provider {@link #open(DataplaneConfig, List)} would use, without opening it. Probes each candidate at most
     * once, and only as far as needed (plus all of them to explain a failure).
     */
    public static DataplaneProvider select(DataplaneConfig config, List<DataplaneProvider> candidates) {
        Selection selection = new Selection(config.requiredCapabilities(), candidates);
        return config.provider().map(selection::named).orElseGet(selection::best);
    }

    /** One selection's state: the probe results so far, so no provider is probed twice. */
    private static final class Selection {
        private final EnumSet<Capability> required;
        private final List<DataplaneProvider> candidates;
        private final Map<DataplaneProvider, Availability> probed = new IdentityHashMap<>();

        Selection(Set<Capability> required, List<DataplaneProvider> candidates) {
            this.required = required.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(required);
            this.candidates = List.copyOf(candidates);
        }

        DataplaneProvider named(String name) {
            DataplaneProvider p = candidates.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new NoProviderException("no dataplane provider named '" + name + "'; discovered: "
                            + describeAll() + ". Add the provider's module (e.g. booster-impl-" + name
                            + ") to the class path."));
            EnumSet<Capability> missing = missing(p);
            if (!missing.isEmpty()) {
                Capability first = missing.iterator().next();
                missing.remove(first);
                throw new UnsupportedCapabilityException(name, first, "required by the config"
                        + (missing.isEmpty() ? "" : " (also missing: " + missing + ")"));
            }
            Availability a = probe(p);
            if (a instanceof Availability.Unavailable u) {
                throw new NoProviderException("dataplane provider '" + name + "' is " + u, u.cause().orElse(null));
            }
            return p;
        }

        DataplaneProvider best() {
            return candidates.stream()
                    .filter(p -> missing(p).isEmpty())
                    .sorted(BEST_FIRST)
                    .filter(p -> probe(p).isAvailable())
                    .findFirst()
                    .orElseThrow(() -> new NoProviderException("no available dataplane provider"
                            + (required.isEmpty() ? "" : " with " + required)
                            + (candidates.isEmpty()
                            ? "; none was discovered: add a backend module such as booster-testkit (provider 'memory') to the class path"
                            : "; discovered: " + describeAll())));
        }

        private Availability probe(DataplaneProvider p) {
            return probed.computeIfAbsent(p, Dataplanes::probe);
        }

        private EnumSet<Capability> missing(DataplaneProvider p) {
            EnumSet<Capability> missing = EnumSet.copyOf(required);
            missing.removeAll(p.capabilities());
            return missing;
        }

        private String describeAll() {
            if (candidates.isEmpty()) return "none";
            List<String> each = new ArrayList<>();
            for (DataplaneProvider p : candidates) {
                EnumSet<Capability> missing = missing(p);
                each.add("'" + p.name() + "' (" + probe(p) + (missing.isEmpty() ? "" : "; lacks " + missing) + ")");
            }
            return String.join(", ", each);
        }
    }
}
