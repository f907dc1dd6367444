package dev.booster.vpp.api.codec;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A VPP {@code union}: as wide as its widest member. The generated record keeps the raw bytes (which member they
 * hold is said by another field, e.g. {@code address.af}), with a factory and an accessor per member.
 */
public record VppUnionType<T>(String name, Class<T> javaClass, int size, List<VppField> members,
                              Function<ByteArray, T> fromBytes, Function<T, ByteArray> toBytes) {

    public VppUnionType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaClass, "javaClass");
        members = List.copyOf(members);
        Objects.requireNonNull(fromBytes, "fromBytes");
        Objects.requireNonNull(toBytes, "toBytes");
    }
}
