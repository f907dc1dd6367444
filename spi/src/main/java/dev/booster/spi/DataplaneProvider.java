package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.Set;

/**
 * A backend. Implementations are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.booster.spi.DataplaneProvider}) and must have a public no-argument constructor that
 * does no work: probing happens in {@link #probe()}.
 */
public interface DataplaneProvider {

    /** A short unique name users select the backend by, e.g. {@code "afxdp"}. */
    String name();

    /** What this backend can do once available. */
    Set<Capability> capabilities();

    /**
     * Whether the backend can open a dataplane on this host now, found out by doing (load the library, open the
     * socket...), as Netty's {@code Epoll.isAvailable()} does. Cheap enough to call on every {@code open}; must not
     * throw.
     */
    Availability probe();

    /**
     * When several providers fit, the one with the highest priority wins (e.g. a kernel-bypass backend over the
     * in-memory one).
     */
    default int priority() {
        return 0;
    }

    /**
     * Opens a dataplane. Called only after {@link #probe()} said available.
     *
     * @throws dev.booster.api.DataplaneException   the host refused; nothing is left behind
     * @throws dev.booster.api.InvalidSpecException a bad option in {@code config}
     */
    Dataplane open(DataplaneConfig config);
}
