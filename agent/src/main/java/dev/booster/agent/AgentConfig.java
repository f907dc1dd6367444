package dev.booster.agent;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.cni.CniServer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link NodeAgent} runs.
 *
 * @param nodeName      this node's Kubernetes Node name: only its pods are followed, and other nodes become tunnels
 * @param dataplane     the backend (provider and options); its node name is set to {@code nodeName}
 * @param cniSocket     where the CNI server listens for the {@code booster-cni} plugin
 * @param stateDir      where the agent keeps {@code agent-state.json} across restarts
 * @param healthAddress where {@code /healthz}, {@code /readyz} and {@code /metrics} are served (port 0: any free port)
 * @param resync        how often the informers hand every cached object over again (0: never)
 * @param retry         how soon a failed reconcile pass is tried again
 * @param cniConfig     when set, the agent writes the node's CNI configuration from a template once it knows the
 *                      node's pod CIDRs (see {@link CniConfig})
 */
public record AgentConfig(String nodeName, DataplaneConfig dataplane, Path cniSocket, Path stateDir, InetSocketAddress healthAddress,
                          Duration resync, Duration retry, Optional<CniConfig> cniConfig) {

    /**
     * Where the agent writes the node's CNI configuration and what from.
     *
     * @param template a conflist with a {@code booster-cni} plugin using host-local IPAM (e.g. {@code deploy/10-booster.conflist})
     * @param file     the file the runtime reads, e.g. {@code /etc/cni/net.d/10-booster.conflist}
     */
    public record CniConfig(Path template, Path file) {
        public CniConfig {
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(file, "file");
        }
    }
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/booster");
    public static final int DEFAULT_HEALTH_PORT = 9440;

    public AgentConfig {
        if (nodeName == null || nodeName.isBlank()) {
            throw new InvalidSpecException("nodeName", "is required: the Kubernetes Node this agent serves (set NODE_NAME from spec.nodeName)");
        }
        Objects.requireNonNull(dataplane, "dataplane");
        dataplane = dataplane.toBuilder().nodeName(nodeName).build();
        Objects.requireNonNull(cniSocket, "cniSocket");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(healthAddress, "healthAddress");
        if (resync.isNegative()) throw new InvalidSpecException("resync", "must not be negative; 0 turns resync off");
        if (retry.isNegative() || retry.isZero()) throw new InvalidSpecException("retry", "must be positive");
        cniConfig = cniConfig == null ? Optional.empty() : cniConfig;
    }

    public static Builder builder(String nodeName) {
        return new Builder(nodeName);
    }

    public static final class Builder {
        private final String nodeName;
        private DataplaneConfig dataplane = DataplaneConfig.defaults();
        private Path cniSocket = CniServer.DEFAULT_SOCKET;
        private Path stateDir = DEFAULT_STATE_DIR;
        private InetSocketAddress healthAddress = new InetSocketAddress(DEFAULT_HEALTH_PORT);
        private Duration resync = Duration.ofMinutes(10);
        private Duration retry = Duration.ofSeconds(5);
        private CniConfig cniConfig;

        private Builder(String nodeName) {
            this.nodeName = nodeName;
        }

        public Builder dataplane(DataplaneConfig config) {
            this.dataplane = config;
            return this;
        }

        public Builder cniSocket(Path socket) {
            this.cniSocket = socket;
            return this;
        }

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder healthAddress(InetSocketAddress address) {
            this.healthAddress = address;
            return this;
        }

        public Builder resync(Duration period) {
            this.resync = period;
            return this;
        }

        public Builder retry(Duration period) {
            this.retry = period;
            return this;
        }

        /** Write the node's CNI configuration to {@code file} from {@code template} (off by default). */
        public Builder cniConfig(Path template, Path file) {
            this.cniConfig = new CniConfig(template, file);
            return this;
        }

        public AgentConfig build() {
            return new AgentConfig(nodeName, dataplane, cniSocket, stateDir, healthAddress, resync, retry, Optional.ofNullable(cniConfig));
        }
    }
}
