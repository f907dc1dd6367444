package dev.booster.vpp.codegen;

/** A field's layout after aliases of scalars and of structs are looked through. */
sealed interface Wire {

    record Scalar(ScalarKind kind) implements Wire {
    }

    record FixedString(int length) implements Wire {
    }

    record VariableString() implements Wire {
    }

    record FixedArray(Wire element, int length) implements Wire {
    }

    record CountedArray(Wire element, String countField, ScalarKind countKind) implements Wire {
    }

    /** A generated type: struct, union, enum, or an alias of an array (such as {@code ip4_address}). */
    record Named(ApiDefinition definition) implements Wire {
    }

    /** A {@code u8} array: Java carries it as one {@code ByteArray} rather than a list. */
    default boolean isBytes() {
        Wire element = switch (this) {
            case FixedArray array -> array.element();
            case CountedArray array -> array.element();
            default -> null;
        };
        return element instanceof Scalar(ScalarKind kind) && kind == ScalarKind.U8;
    }
}
