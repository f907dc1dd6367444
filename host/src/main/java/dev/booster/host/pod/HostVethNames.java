package dev.booster.host.pod;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of the host ends of pods' veths: {@code bst} and 10 hex digits of a hash of the pod's uid and interface name.
 * Stable (a pod's interface always gets the same name, which tells a leftover of a crashed run from a live one) and
 * recognizable, so {@link AfXdpCleanup} can find what a crashed JVM left behind without touching anything else.
 */
public final class HostVethNames {
    public static final String PREFIX = "bst";
    private static final int HEX_DIGITS = 10;
    private static final Pattern NAME = Pattern.compile(PREFIX + "[0-9a-f]{" + HEX_DIGITS + "}");

    private HostVethNames() {
    }

    /** The host-end name of interface {@code interfaceName} of pod {@code podUid} (13 characters, under IFNAMSIZ). */
    public static String of(String podUid, String interfaceName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((podUid + "/" + interfaceName).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** True for names {@link #of} makes. */
    public static boolean isBoosterName(String linkName) {
        return NAME.matcher(linkName).matches();
    }
}
