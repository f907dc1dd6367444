package dev.booster.cni;

import java.util.List;

/**
 * The CNI specification versions Booster speaks. They differ in the result's shape (0.4.0 has {@code version} in
 * each IP; 1.1.0 adds interface MTU/socket path/PCI id and route attributes) and in the commands that exist (STATUS
 * and GC came with 1.1.0).
 */
public enum CniVersion {
    V0_4_0("0.4.0"), V1_0_0("1.0.0"), V1_1_0("1.1.0");

    public static final CniVersion LATEST = V1_1_0;

    private final String text;

    CniVersion(String text) {
        this.text = text;
    }

    /**
     * The version spelled {@code text}.
     *
     * @throws CniException code 1 (incompatible version) when Booster does not speak it; code 7 when it is missing
     */
    public static CniVersion parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new CniException(LATEST.text, CniError.INVALID_CONFIG, "cniVersion is missing from the network configuration",
                    "set \"cniVersion\" to one of " + supported());
        }
        for (CniVersion v : values()) {
            if (v.text.equals(text)) return v;
        }
        throw new CniException(text, CniError.INCOMPATIBLE_VERSION, "incompatible CNI version \"" + text + "\"",
                "booster-cni supports " + supported());
    }

    /** Whether {@code command} exists in this version of the spec. */
    public boolean supports(CniCommand command) {
        return switch (command) {
            case STATUS, GC -> this == V1_1_0;
            default -> true;
        };
    }

    /** Whether results of this version carry {@code version} in each IP (0.3.x and 0.4.0 do). */
    boolean ipsHaveVersion() {
        return this == V0_4_0;
    }

    /** Whether results may carry the attributes 1.1.0 added (interface mtu, socketPath, pciID; route mtu, advmss...). */
    boolean hasExtendedAttributes() {
        return this == V1_1_0;
    }

    public static List<String> supported() {
        return List.of(V0_4_0.text, V1_0_0.text, V1_1_0.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
