package dev.booster.vpp.api.codec;

import java.util.Objects;

/** One named value of a VPP enum or enumflag, e.g. {@code IF_STATUS_API_FLAG_ADMIN_UP = 1}. */
public record VppEnumConstant(String name, long value) {
    public VppEnumConstant {
        Objects.requireNonNull(name, "name");
    }
}
