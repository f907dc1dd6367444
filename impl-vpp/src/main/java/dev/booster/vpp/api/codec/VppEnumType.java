package dev.booster.vpp.api.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/** A VPP {@code enum} or {@code enumflag}: its wire size and the named values. */
public record VppEnumType<T extends VppEnumValue>(String name, Class<T> javaClass, VppWireType.Scalar size,
                                                  boolean flags, List<VppEnumConstant> constants,
                                                  LongFunction<T> fromValue) {

    public VppEnumType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaClass, "javaClass");
        Objects.requireNonNull(size, "size");
        constants = List.copyOf(constants);
        Objects.requireNonNull(fromValue, "fromValue");
    }

    /** The constant's name, the names of the set flags joined by {@code |}, or the bare number when unnamed. */
    public String describe(long value) {
        for (VppEnumConstant constant : constants) {
            if (constant.value() == value) {
                return constant.name();
            }
        }
        if (!flags || value == 0) {
            return name + "(" + value + ")";
        }
        List<String> names = new ArrayList<>();
        long rest = value;
        for (VppEnumConstant constant : constants) {
            if (constant.value() != 0 && (rest & constant.value()) == constant.value()) {
                names.add(constant.name());
                rest &= ~constant.value();
            }
        }
        if (rest != 0) {
            names.add("0x" + Long.toHexString(rest));
        }
        return String.join("|", names);
    }
}
