package dev.booster.vpp.provider;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.MacAddress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What pods see of VPP, Calico style, the same on every pod interface: the gateway {@code 169.254.1.1} and
 * {@code fe80::1} at MAC {@code ee:ee:ee:ee:ee:ee} (the engine's default too). VPP owns {@code 169.254.1.1/32} on
 * a loopback every pod interface is unnumbered to, and {@code fe80::1} as each pod interface's link-local address.
 */
public final class VppGateway {

    public static final Ip4Address IP4 = Ip4Address.parse("169.254.1.1");
    public static final Ip6Address IP6 = Ip6Address.parse("fe80::1");
    public static final MacAddress MAC = MacAddress.parse("ee:ee:ee:ee:ee:ee");

    private VppGateway() {
    }

    /** A stable, locally administered unicast MAC for a pod interface that names none: a hash of uid and name. */
    public static MacAddress podMac(String podUid, String interfaceName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((podUid + "/" + interfaceName).getBytes(StandardCharsets.UTF_8));
            byte[] mac = java.util.Arrays.copyOf(digest, 6);
            mac[0] = (byte) ((mac[0] & 0xfc) | 0x02);
            return MacAddress.ofBytes(mac);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
