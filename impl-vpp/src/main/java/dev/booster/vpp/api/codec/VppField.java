package dev.booster.vpp.api.codec;

import java.util.Objects;

/**
 * One field of a message or type, in wire order.
 *
 * @param name     the name in {@code .api.json}, e.g. {@code sw_if_index}
 * @param javaName the record component, e.g. {@code swIfIndex}; for a count field, the name it would have had
 * @param type     the wire layout
 * @param count    whether this is the count of a later {@link VppWireType.CountedArray}: then it is not a record
 *                 component, encoders write the array's size
 */
public record VppField(String name, String javaName, VppWireType type, boolean count) {

    public VppField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(javaName, "javaName");
        Objects.requireNonNull(type, "type");
    }

    public static VppField of(String name, String javaName, VppWireType type) {
        return new VppField(name, javaName, type, false);
    }

    public static VppField countOf(String name, String javaName, VppWireType.Scalar type) {
        return new VppField(name, javaName, type, true);
    }
}
