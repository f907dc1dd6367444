package dev.booster.ike;

import dev.booster.api.net.IpAddress;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys and parameters of one direction of an ESP Child SA (RFC 4303 tunnel mode), as IKE negotiated them: what a
 * dataplane needs to install an ESP SA. Holds key material: {@link #toString()} redacts it, and the accessors
 * hand out copies.
 *
 * @param peer        the {@link PeerConfig#name()} this SA belongs to
 * @param reqid       stays the same across rekeys of one Child SA, so a dataplane can bind its policy to it
 * @param spi         the SPI in the ESP header of packets this SA protects (chosen by the receiving side)
 * @param algorithm   {@link #AES_GCM_16}
 * @param keyBits     128 or 256
 * @param key         the AES key, keyBits / 8 bytes
 * @param salt        the 4-byte salt of the GCM nonce (RFC 4106 §4)
 * @param esn         64-bit extended sequence numbers (RFC 4304)
 * @param source      the outer source address (ours for OUT, the peer's for IN)
 * @param destination the outer destination address
 * @param localTs     inner addresses on our side of the tunnel
 * @param remoteTs    inner addresses on the peer's side
 * @param lifetime    how long the SA may be used at most; IKE rekeys or deletes it before then
 * @param udpEncapsulation present when ESP travels in UDP (RFC 3948: NAT detected, or a peer such as strongSwan's
 *                    kernel-libipsec that only does that); the outer UDP ports
 */
public record ChildSa(String peer, int reqid, int spi, Direction direction, String algorithm, int keyBits, byte[] key, byte[] salt,
                      boolean esn, IpAddress source, IpAddress destination, List<TrafficSelector> localTs,
                      List<TrafficSelector> remoteTs, Duration lifetime, Optional<UdpEncapsulation> udpEncapsulation) {
    /** AES-GCM with a 16-byte ICV, RFC 4106: IANA ESP transform ENCR_AES_GCM_16 (20). */
    public static final String AES_GCM_16 = "AES-GCM-16";

    public enum Direction { IN, OUT }

    /** The outer UDP header of ESP-in-UDP packets (RFC 3948), normally 4500 on both sides. */
    public record UdpEncapsulation(int sourcePort, int destinationPort) {
        public UdpEncapsulation {
            if (sourcePort < 1 || sourcePort > 0xffff || destinationPort < 1 || destinationPort > 0xffff) {
                throw new IllegalArgumentException("UDP encapsulation ports " + sourcePort + " -> " + destinationPort + " are out of range");
            }
        }
    }

    public ChildSa {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(algorithm, "algorithm");
        if (key.length * 8 != keyBits) throw new IllegalArgumentException("key has " + key.length * 8 + " bits, keyBits says " + keyBits);
        if (salt.length != 4) throw new IllegalArgumentException("salt has " + salt.length + " bytes, AES-GCM needs 4");
        key = key.clone();
        salt = salt.clone();
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(udpEncapsulation, "udpEncapsulation");
    }

    /** A copy of the key: clear it when installed. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** A copy of the salt. */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The SPI as strongSwan and {@code ip xfrm} print it, e.g. {@code c1a2b3d4}. */
    public String spiHex() {
        return String.format("%08x", spi);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChildSa other && peer.equals(other.peer) && reqid == other.reqid && spi == other.spi
                && direction == other.direction && algorithm.equals(other.algorithm) && keyBits == other.keyBits
                && java.security.MessageDigest.isEqual(key, other.key) && Arrays.equals(salt, other.salt) && esn == other.esn
                && source.equals(other.source) && destination.equals(other.destination) && localTs.equals(other.localTs)
                && remoteTs.equals(other.remoteTs) && lifetime.equals(other.lifetime) && udpEncapsulation.equals(other.udpEncapsulation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(peer, reqid, spi, direction);
    }

    @Override
    public String toString() {
        return "ChildSa[" + peer + " reqid " + reqid + " " + direction + " spi " + spiHex() + " " + algorithm + "-" + keyBits
                + (esn ? " esn" : "") + " " + source + " -> " + destination
                + udpEncapsulation.map(u -> " udp " + u.sourcePort() + "->" + u.destinationPort()).orElse("") + " " + localTs + " <-> " + remoteTs
                + " lifetime " + lifetime + ", key and salt redacted]";
    }
}
