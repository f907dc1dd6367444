package dev.booster.api.tunnel;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The way to one remote node: traffic to its pod CIDRs leaves from {@code localAddress} to {@code remoteAddress},
 * encapsulated and protected as asked.
 *
 * @param remoteNode the remote node's name (the Kubernetes Node name); also the tunnel's key
 * @param vni        the VXLAN network identifier (only for {@link Encapsulation#VXLAN}, 1..16777215)
 * @param key        static key material or the IKEv2 PSK; absent iff {@code protection} is NONE. With
 *                   {@link KeyExchange#STATIC} both nodes get the same key ({@link Protection#keyBytes()} + 4 bytes),
 *                   from which each direction's SPI, AES key and salt are derived with HKDF-SHA256, the direction's
 *                   outer addresses as context ({@code "booster esp " + source + " > " + destination}): the two
 *                   directions never share a key, and the local node's name is not needed
 */
public record TunnelSpec(String remoteNode, IpAddress localAddress, IpAddress remoteAddress, List<IpPrefix> remotePodCidrs,
                         Encapsulation encapsulation, int vni, Protection protection, KeyExchange keyExchange,
                         Optional<Secret> key) {

    public TunnelSpec {
        if (remoteNode == null || remoteNode.isBlank()) throw new InvalidSpecException("remoteNode", "is required");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if (localAddress.family() != remoteAddress.family()) {
            throw new InvalidSpecException("remoteAddress", remoteAddress + " is not of the family of localAddress " + localAddress);
        }
        remotePodCidrs = List.copyOf(remotePodCidrs);
        if (remotePodCidrs.isEmpty()) throw new InvalidSpecException("remotePodCidrs", "needs at least one pod CIDR of the remote node");
        encapsulation = encapsulation == null ? Encapsulation.NONE : encapsulation;
        protection = protection == null ? Protection.NONE : protection;
        keyExchange = keyExchange == null ? KeyExchange.STATIC : keyExchange;
        key = key == null ? Optional.empty() : key;
        if (encapsulation == Encapsulation.VXLAN && (vni < 1 || vni > 0xffffff)) {
            throw new InvalidSpecException("vni", vni + " is out of range; use 1..16777215");
        }
        if (encapsulation != Encapsulation.VXLAN && vni != 0) {
            throw new InvalidSpecException("vni", "is only for vxlan encapsulation");
        }
        if (protection == Protection.NONE && key.isPresent()) {
            throw new InvalidSpecException("key", "is set but protection is none; set a protection or drop the key");
        }
        if (protection != Protection.NONE && key.isEmpty()) {
            throw new InvalidSpecException("key", "is required for protection " + protection);
        }
        if (protection != Protection.NONE && keyExchange == KeyExchange.STATIC && protection != Protection.WIREGUARD) {
            int expected = protection.keyBytes() + 4;
            if (key.get().length() != expected) {
                throw new InvalidSpecException("key", "static " + protection + " needs " + expected + " bytes (key + 4-byte salt), got " + key.get().length());
            }
        }
    }

    /** An unprotected, unencapsulated route to a remote node's pods. */
    public static TunnelSpec plain(String remoteNode, IpAddress local, IpAddress remote, IpPrefix... remotePodCidrs) {
        return new TunnelSpec(remoteNode, local, remote, List.of(remotePodCidrs), Encapsulation.NONE, 0, Protection.NONE,
                KeyExchange.STATIC, Optional.empty());
    }
}
