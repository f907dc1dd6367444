package dev.booster.ike;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One IKE peer (a remote node): where it is, how both sides identify and authenticate, what to propose, which
 * traffic the Child SA carries, and its timers. Build with {@link #builder(String)}. The PSK is a {@link Secret},
 * which never prints itself, so neither does this record.
 *
 * @param remoteNatTPort the peer's NAT-T port (4500), where IKE moves when NAT detection finds a translation
 * @param localAddress our address towards this peer: the outer source of ESP packets, and the default local
 *                     identity; may be left out when the daemon listens on a specific address
 * @param localId      our identity; default: the local address
 * @param remoteId     the identity the peer must prove; default: its address
 * @param localTs      our side of the tunnel (the local pod CIDR)
 * @param remoteTs     the peer's side (its pod CIDRs)
 * @param dpdDelay     send a liveness check when nothing came from the peer for this long; zero turns it off
 */
public record PeerConfig(String name, IpAddress remoteAddress, int remotePort, int remoteNatTPort, Optional<IpAddress> localAddress,
                         Optional<Identity> localId, Identity remoteId, Secret psk, List<IkeProposal> ikeProposals,
                         List<EspProposal> espProposals, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs,
                         Lifetimes lifetimes, Duration dpdDelay) {
    public static final int IKE_PORT = 500;
    public static final int NAT_T_PORT = 4500;

    public PeerConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("peer name is required");
        Objects.requireNonNull(remoteAddress, "peer " + name + ": remoteAddress");
        if (remotePort < 1 || remotePort > 0xffff) throw new IllegalArgumentException("peer " + name + ": remotePort " + remotePort + " is out of range");
        if (remoteNatTPort < 1 || remoteNatTPort > 0xffff) throw new IllegalArgumentException("peer " + name + ": remoteNatTPort " + remoteNatTPort + " is out of range");
        localAddress = localAddress == null ? Optional.empty() : localAddress;
        localId = localId == null ? Optional.empty() : localId;
        remoteId = remoteId == null ? Identity.of(remoteAddress) : remoteId;
        if (psk == null) throw new IllegalArgumentException("peer " + name + ": psk is required (pre-shared key authentication)");
        ikeProposals = List.copyOf(ikeProposals);
        espProposals = List.copyOf(espProposals);
        if (ikeProposals.isEmpty()) throw new IllegalArgumentException("peer " + name + ": ikeProposals is empty");
        if (espProposals.isEmpty()) throw new IllegalArgumentException("peer " + name + ": espProposals is empty");
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        if (localTs.isEmpty()) throw new IllegalArgumentException("peer " + name + ": localTs is empty; set the local pod CIDR");
        if (remoteTs.isEmpty()) throw new IllegalArgumentException("peer " + name + ": remoteTs is empty; set the peer's pod CIDRs");
        Objects.requireNonNull(lifetimes, "peer " + name + ": lifetimes");
        Objects.requireNonNull(dpdDelay, "peer " + name + ": dpdDelay");
        if (dpdDelay.isNegative()) throw new IllegalArgumentException("peer " + name + ": dpdDelay is negative");
        if (localAddress.isPresent() && localAddress.get().family() != remoteAddress.family()) {
            throw new IllegalArgumentException("peer " + name + ": localAddress " + localAddress.get() + " and remoteAddress " + remoteAddress + " differ in family");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** This config with the local address (and, unless set, the local identity) filled in. */
    public PeerConfig withLocalAddress(IpAddress address) {
        return new PeerConfig(name, remoteAddress, remotePort, remoteNatTPort, Optional.of(address), Optional.of(localId.orElse(Identity.of(address))),
                remoteId, psk, ikeProposals, espProposals, localTs, remoteTs, lifetimes, dpdDelay);
    }

    public static final class Builder {
        private final String name;
        private IpAddress remoteAddress;
        private int remotePort = IKE_PORT;
        private int remoteNatTPort = NAT_T_PORT;
        private IpAddress localAddress;
        private Identity localId;
        private Identity remoteId;
        private Secret psk;
        private List<IkeProposal> ikeProposals = List.of(IkeProposal.AES_GCM_16_256_SHA256_X25519, IkeProposal.AES_GCM_16_256_SHA256_ECP256,
                IkeProposal.AES_CBC_256_SHA256_MODP2048);
        private List<EspProposal> espProposals = List.of(EspProposal.AES_GCM_16_256, EspProposal.AES_GCM_16_128);
        private List<TrafficSelector> localTs = List.of();
        private List<TrafficSelector> remoteTs = List.of();
        private Lifetimes lifetimes = Lifetimes.DEFAULT;
        private Duration dpdDelay = Duration.ofSeconds(30);

        private Builder(String name) {
            this.name = name;
        }

        public Builder remote(IpAddress address) {
            this.remoteAddress = address;
            return this;
        }

        public Builder remote(IpAddress address, int port) {
            this.remoteAddress = address;
            this.remotePort = port;
            return this;
        }

        public Builder remoteNatTPort(int port) {
            this.remoteNatTPort = port;
            return this;
        }

        public Builder localAddress(IpAddress address) {
            this.localAddress = address;
            return this;
        }

        public Builder localId(Identity id) {
            this.localId = id;
            return this;
        }

        public Builder remoteId(Identity id) {
            this.remoteId = id;
            return this;
        }

        public Builder psk(Secret psk) {
            this.psk = psk;
            return this;
        }

        public Builder ikeProposals(IkeProposal... proposals) {
            this.ikeProposals = List.of(proposals);
            return this;
        }

        public Builder espProposals(EspProposal... proposals) {
            this.espProposals = List.of(proposals);
            return this;
        }

        public Builder localTs(TrafficSelector... selectors) {
            this.localTs = List.of(selectors);
            return this;
        }

        public Builder remoteTs(TrafficSelector... selectors) {
            this.remoteTs = List.of(selectors);
            return this;
        }

        public Builder lifetimes(Lifetimes lifetimes) {
            this.lifetimes = lifetimes;
            return this;
        }

        public Builder dpdDelay(Duration delay) {
            this.dpdDelay = delay;
            return this;
        }

        public PeerConfig build() {
            return new PeerConfig(name, remoteAddress, remotePort, remoteNatTPort, Optional.ofNullable(localAddress), Optional.ofNullable(localId),
                    remoteId, psk, ikeProposals, espProposals, localTs, remoteTs, lifetimes, dpdDelay);
        }
    }
}
