package dev.booster.ipsec;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The SAs of a tunnel with {@link dev.booster.api.tunnel.KeyExchange#STATIC} keys. Both nodes are given the same
 * {@link TunnelSpec#key()}; each direction gets its own SPI and key, derived with HKDF-SHA256 (RFC 5869) from that
 * secret and the direction's outer addresses: salt {@code "booster static esp v1"}, info
 * {@code "booster esp " + source + " > " + destination} (addresses as IP text), 4 bytes of SPI (with bit 8 set, so
 * never a reserved SPI below 256) then the key and the 4-byte salt. So node A's outbound SA is node B's inbound SA,
 * and no key and nonce is ever used in both directions (AES-GCM must never see a nonce twice under one key; both
 * directions start their sequence numbers, the IVs, at 1).
 *
 * <p>Static keys have no rekeying: a node whose dataplane restarts begins its sequence numbers at 1 again, which the
 * peer's replay window refuses as replays until the peer's tunnel is put anew (with another key, or removed and put).
 * Operators who need restarts without that step use IKEv2.
 *
 * <p>Every dataplane that speaks static ESP (the engine, the vpp provider) derives its SAs here, so that two nodes on
 * different dataplanes agree on them.
 */
public final class StaticEspKeys {
    private static final byte[] SALT = "booster static esp v1".getBytes(StandardCharsets.US_ASCII);

    private StaticEspKeys() {
    }

    public static SecurityAssociation outbound(TunnelSpec spec) {
        return derive(spec, spec.localAddress(), spec.remoteAddress());
    }

    public static SecurityAssociation inbound(TunnelSpec spec) {
        return derive(spec, spec.remoteAddress(), spec.localAddress());
    }

    public static EspAlgorithm algorithm(Protection protection) {
        return switch (protection) {
            case IPSEC_ESP_AES_GCM_128 -> EspAlgorithm.AES_GCM_16_128;
            case IPSEC_ESP_AES_GCM_256 -> EspAlgorithm.AES_GCM_16_256;
            default -> throw new IllegalArgumentException(protection + " is not ESP");
        };
    }

    private static SecurityAssociation derive(TunnelSpec spec, IpAddress from, IpAddress to) {
        EspAlgorithm algorithm = algorithm(spec.protection());
        Secret secret = spec.key().orElseThrow();
        byte[] info = ("booster esp " + from + " > " + to).getBytes(StandardCharsets.US_ASCII);
        byte[] okm = secret.apply(ikm -> hkdf(ikm, info, 4 + algorithm.keyMaterialBytes()));
        try {
            int spi = ByteBuffer.wrap(okm).getInt() | 0x100;
            return SecurityAssociation.fromKeyMaterial(spi, algorithm, Arrays.copyOfRange(okm, 4, okm.length), true,
                    new TunnelEndpoints(inet(from), inet(to)));
        } finally {
            Arrays.fill(okm, (byte) 0);
        }
    }

    /** HKDF-SHA256 extract then expand (RFC 5869). */
    static byte[] hkdf(byte[] ikm, byte[] info, int length) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(SALT, "HmacSHA256"));
            byte[] prk = extract.doFinal(ikm);
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(prk, "HmacSHA256"));
            Arrays.fill(prk, (byte) 0);
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            for (int i = 1, at = 0; at < length; i++) {
                expand.update(block);
                expand.update(info);
                expand.update((byte) i);
                block = expand.doFinal();
                int n = Math.min(block.length, length - at);
                System.arraycopy(block, 0, out, at, n);
                at += n;
            }
            Arrays.fill(block, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByAddress(address.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address + ": " + e.getMessage(), e);
        }
    }
}
