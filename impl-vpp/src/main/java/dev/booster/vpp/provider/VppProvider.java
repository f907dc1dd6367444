package dev.booster.vpp.provider;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.host.link.IpLinkManager;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppApiException;
import dev.booster.vpp.api.VppClientOptions;
import dev.booster.vpp.binapi.ShowVersion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Provider {@code vpp}: a running FD.io VPP does the packet work, driven through its binary API (as Calico/VPP
 * drives it with govpp): pods (veth through af_packet, tap, memif), policy on the acl plugin, interface counters,
 * and reconnecting after a VPP restart. It claims what the shared conformance suite showed against a live VPP
 * ({@link VppDataplane#CAPABILITIES}); services are not mapped onto VPP yet. It ranks below
 * {@code memory} because it needs a VPP running beside Booster: nobody gets it without asking for it by name.
 */
public final class VppProvider implements DataplaneProvider {

    public static final String NAME = "vpp";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Supplier<Path> defaultSocket;

    public VppProvider() {
        this(VppOptions::defaultSocket);
    }

    VppProvider(Supplier<Path> defaultSocket) {
        this.defaultSocket = defaultSocket;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return VppDataplane.CAPABILITIES;
    }

    /** Below {@code memory} (0): a VPP must be running and configured for it, which only a user who names it has. */
    @Override
    public int priority() {
        return -10;
    }

    /** Available when VPP answers {@code show_version} on its API socket. */
    @Override
    public Availability probe() {
        Path socket;
        try {
            socket = defaultSocket.get();
        } catch (RuntimeException e) {
            return Availability.unavailable("bad " + VppOptions.SOCKET_VARIABLE + ": " + e.getMessage(), e);
        }
        if (!Files.exists(socket)) {
            return Availability.unavailable("no VPP API socket at " + socket + ": start VPP with 'socksvr {"
                    + " socket-name " + socket + " }', or set " + VppOptions.SOCKET_VARIABLE + " to its socket");
        }
        try (VppApiClient vpp = VppApiClient.connect(VppClientOptions.builder().socket(socket)
                .clientName("booster-probe").requestTimeout(PROBE_TIMEOUT).require(ShowVersion.TYPE).build())) {
            vpp.call(new ShowVersion());
            return Availability.available();
        } catch (VppApiException e) {
            return Availability.unavailable("VPP on " + socket + " did not answer: " + e.getMessage(), e);
        }
    }

    /**
     * Connects to VPP and checks that it has every message the backend sends, as Booster knows them.
     *
     * @throws DataplaneException                   VPP is not there, or its API differs (the message lists how)
     * @throws dev.booster.api.InvalidSpecException a bad {@code vpp.*} option
     */
    @Override
    public Dataplane open(DataplaneConfig config) {
        VppOptions options = VppOptions.from(config);
        VppClientOptions clientOptions = VppClientOptions.builder().socket(options.socket())
                .clientName("booster-" + config.nodeName()).require(VppDataplane.MESSAGES).build();
        try {
            return new VppDataplane(VppApiClient.connect(clientOptions), () -> VppApiClient.connect(clientOptions),
                    VppDataplane.Backoff.DEFAULT, new IpHostLinks(new IpLinkManager()), options.uplink());
        } catch (VppApiException e) {
            throw new DataplaneException("provider '" + NAME + "' cannot use VPP at " + options.socket() + ": "
                    + e.getMessage(), e);
        }
    }
}
