package dev.booster.ipsec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One ESP security association in tunnel mode, as IKEv2 or an operator's static configuration defines it. Immutable:
 * the key and salt are copied in and out. {@link #toString()} never shows them.
 *
 * @param spi                     the Security Parameters Index, an unsigned 32-bit value; 0 to 255 are reserved
 *                                (RFC 4303 §2.1)
 * @param algorithm               the AES-GCM variant
 * @param key                     the AES key ({@link EspAlgorithm#keyBytes()} bytes)
 * @param salt                    the 4-byte nonce salt (RFC 4106 §4): the last 4 bytes of the keying material
 * @param extendedSequenceNumbers 64-bit sequence numbers (RFC 4303 §2.2.1); the high half goes into the AAD
 * @param replayWindow            the inbound anti-replay window in packets, {@value #MIN_REPLAY_WINDOW} to
 *                                {@value #MAX_REPLAY_WINDOW}; unused by an outbound SA
 * @param tunnel                  the outer header's addresses
 */
public record SecurityAssociation(int spi, EspAlgorithm algorithm, byte[] key, byte[] salt,
                                  boolean extendedSequenceNumbers, int replayWindow, TunnelEndpoints tunnel) {
    public static final int MIN_REPLAY_WINDOW = 64;
    public static final int MAX_REPLAY_WINDOW = 65536;
    /**
     * Wider than RFC 4303's 64 because packets of one SA may come back from several queues out of order at
     * 10 Gbit/s; the bitmap costs 8 bytes per 64 packets.
     */
    public static final int DEFAULT_REPLAY_WINDOW = 1024;

    public SecurityAssociation {
        if (Integer.compareUnsigned(spi, 256) < 0) {
            throw new IllegalArgumentException("SecurityAssociation.spi " + Integer.toUnsignedString(spi)
                    + " is reserved (0 to 255, RFC 4303 §2.1): choose one from 256 to 4294967295");
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("SecurityAssociation.algorithm must be set (one of "
                    + Arrays.toString(EspAlgorithm.values()) + ")");
        }
        if (key == null || key.length != algorithm.keyBytes()) {
            throw new IllegalArgumentException("SecurityAssociation.key must be " + algorithm.keyBytes() + " bytes for "
                    + algorithm + ", not " + (key == null ? "missing" : key.length + " bytes"));
        }
        if (salt == null || salt.length != EspAlgorithm.SALT_BYTES) {
            throw new IllegalArgumentException("SecurityAssociation.salt must be " + EspAlgorithm.SALT_BYTES
                    + " bytes (RFC 4106 §4), not " + (salt == null ? "missing" : salt.length + " bytes"));
        }
        if (replayWindow < MIN_REPLAY_WINDOW || replayWindow > MAX_REPLAY_WINDOW) {
            throw new IllegalArgumentException("SecurityAssociation.replayWindow must be " + MIN_REPLAY_WINDOW + " to "
                    + MAX_REPLAY_WINDOW + " packets, not " + replayWindow);
        }
        if (tunnel == null) {
            throw new IllegalArgumentException("SecurityAssociation.tunnel must be set (the outer source and destination)");
        }
        key = key.clone();
        salt = salt.clone();
    }

    /**
     * An SA from IKEv2-style keying material: the key followed by the 4-byte salt (RFC 4106 §8.1), with the
     * default replay window.
     */
    public static SecurityAssociation fromKeyMaterial(int spi, EspAlgorithm algorithm, byte[] keyMaterial,
                                                      boolean extendedSequenceNumbers, TunnelEndpoints tunnel) {
        if (algorithm == null) throw new IllegalArgumentException("SecurityAssociation.algorithm must be set");
        if (keyMaterial == null || keyMaterial.length != algorithm.keyMaterialBytes()) {
            throw new IllegalArgumentException("keyMaterial must be " + algorithm.keyMaterialBytes() + " bytes for "
                    + algorithm + " (key then 4-byte salt), not "
                    + (keyMaterial == null ? "missing" : keyMaterial.length + " bytes"));
        }
        int keyBytes = algorithm.keyBytes();
        return new SecurityAssociation(spi, algorithm, Arrays.copyOf(keyMaterial, keyBytes),
                Arrays.copyOfRange(keyMaterial, keyBytes, keyMaterial.length), extendedSequenceNumbers,
                DEFAULT_REPLAY_WINDOW, tunnel);
    }

    public SecurityAssociation withReplayWindow(int packets) {
        return new SecurityAssociation(spi, algorithm, key, salt, extendedSequenceNumbers, packets, tunnel);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The salt as the first 4 bytes of every nonce, big-endian. */
    int saltBits() {
        return (salt[0] & 0xff) << 24 | (salt[1] & 0xff) << 16 | (salt[2] & 0xff) << 8 | salt[3] & 0xff;
    }

    /** The key without a copy, for the cipher setup inside this package. */
    byte[] keyBytes() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecurityAssociation that
                && spi == that.spi && algorithm == that.algorithm
                && Arrays.equals(key, that.key) && Arrays.equals(salt, that.salt)
                && extendedSequenceNumbers == that.extendedSequenceNumbers && replayWindow == that.replayWindow
                && tunnel.equals(that.tunnel);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(spi) * 31 + algorithm.hashCode();
    }

    /** Shows the SPI in hex, as {@code ip xfrm} and strongSwan do, and never the key or the salt. */
    @Override
    public String toString() {
        return "SecurityAssociation[spi=0x" + HexFormat.of().toHexDigits(spi) + ", algorithm=" + algorithm
                + ", key=(hidden), salt=(hidden), extendedSequenceNumbers=" + extendedSequenceNumbers
                + ", replayWindow=" + replayWindow + ", tunnel=" + tunnel.source().getHostAddress() + " -> "
                + tunnel.destination().getHostAddress()
                + tunnel.udpEncapsulation().map(u -> ", udp " + u.sourcePort() + " -> " + u.destinationPort()).orElse("") + "]";
    }
}
