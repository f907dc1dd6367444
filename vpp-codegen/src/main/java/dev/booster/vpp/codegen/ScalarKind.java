package dev.booster.vpp.codegen;

import java.util.Arrays;
import java.util.Optional;

/** VPP's base types and the Java types that carry them (unsigned ones in the next wider type). */
enum ScalarKind {
    U8(1, "int", "Integer"),
    I8(1, "int", "Integer"),
    U16(2, "int", "Integer"),
    I16(2, "int", "Integer"),
    U32(4, "long", "Long"),
    I32(4, "int", "Integer"),
    U64(8, "long", "Long"),
    I64(8, "long", "Long"),
    F64(8, "double", "Double"),
    BOOL(1, "boolean", "Boolean");

    private final int size;
    private final String javaType;
    private final String boxedType;

    ScalarKind(int size, String javaType, String boxedType) {
        this.size = size;
        this.javaType = javaType;
        this.boxedType = boxedType;
    }

    static Optional<ScalarKind> fromApiName(String name) {
        return Arrays.stream(values()).filter(kind -> kind.apiName().equals(name)).findFirst();
    }

    String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    int size() {
        return size;
    }

    String javaType() {
        return javaType;
    }

    String boxedType() {
        return boxedType;
    }

    /** The {@code VppWriter}/{@code VppReader} method, e.g. {@code u32}. */
    String codecMethod() {
        return apiName();
    }

    /** The runtime constant, e.g. {@code VppWireType.Scalar.U32}. */
    String runtimeConstant() {
        return "VppWireType.Scalar." + name();
    }

    boolean isUnsignedInteger() {
        return this == U8 || this == U16 || this == U32 || this == U64;
    }

    /** The Java literal for a default value given in the JSON. */
    String literal(Object value) {
        return switch (this) {
            case BOOL -> Boolean.toString(truthy(value));
            case F64 -> Double.toString(Double.parseDouble(value.toString())) + "d";
            case U32, U64, I64 -> Long.toString(Long.parseLong(value.toString())) + "L";
            default -> Integer.toString(Integer.parseInt(value.toString()));
        };
    }

    /** VPP writes bool defaults as {@code "true"}, {@code False}, {@code 0} and once {@code 4294967295}. */
    private static boolean truthy(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.longValue() != 0;
        }
        return Boolean.parseBoolean(value.toString());
    }
}
