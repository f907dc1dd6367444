package dev.booster.vpp.api.codec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The checks generated record constructors make, so that a bad value fails where it is built, naming the VPP field
 * ({@code message.field}) and what fits, rather than being cut to its low bits on the wire.
 */
public final class VppChecks {

    private VppChecks() {
    }

    public static void scalar(String field, VppWireType.Scalar type, long value) {
        if (type.isRangeChecked() && (value < type.min() || value > type.max())) {
            throw new IllegalArgumentException(field + " = " + value + " is out of range for " + type.apiName()
                    + " (" + type.min() + ".." + type.max() + ")");
        }
    }

    public static <T> T notNull(String field, T value) {
        return Objects.requireNonNull(value, () -> field + " must not be null");
    }

    public static void fixedString(String field, String value, int length) {
        notNull(field, value);
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " must not contain NUL: VPP's string[" + length
                    + "] ends at the first one");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > length) {
            throw new IllegalArgumentException(field + " is " + bytes + " UTF-8 bytes, string[" + length
                    + "] takes at most " + length + ": shorten it");
        }
    }

    public static void variableString(String field, String value) {
        notNull(field, value);
    }

    public static void fixedBytes(String field, ByteArray value, int length) {
        notNull(field, value);
        if (value.length() != length) {
            throw new IllegalArgumentException(field + " must be exactly " + length + " bytes (u8[" + length
                    + "]), got " + value.length());
        }
    }

    public static void countedBytes(String field, ByteArray value, String countField, VppWireType.Scalar countType) {
        notNull(field, value);
        checkCount(field, value.length(), countField, countType);
    }

    /** An immutable copy of a fixed-size array component, which must have exactly {@code length} elements. */
    public static <T> List<T> fixedList(String field, List<T> value, int length) {
        List<T> copy = elements(field, value);
        if (copy.size() != length) {
            throw new IllegalArgumentException(field + " must have exactly " + length + " elements, got "
                    + copy.size());
        }
        return copy;
    }

    /** An immutable copy of a counted array component, whose size must fit its count field. */
    public static <T> List<T> countedList(String field, List<T> value, String countField,
                                          VppWireType.Scalar countType) {
        List<T> copy = elements(field, value);
        checkCount(field, copy.size(), countField, countType);
        return copy;
    }

    /** Range checks of the elements of an array of integers, e.g. {@code u32 mtu[4]}. */
    public static void scalarElements(String field, VppWireType.Scalar type, List<? extends Number> values) {
        for (int i = 0; i < values.size(); i++) {
            scalar(field + "[" + i + "]", type, values.get(i).longValue());
        }
    }

    private static <T> List<T> elements(String field, List<T> value) {
        notNull(field, value);
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw new NullPointerException(field + "[" + i + "] must not be null");
            }
        }
        return List.copyOf(value);
    }

    private static void checkCount(String field, int size, String countField, VppWireType.Scalar countType) {
        if (size > countType.max()) {
            throw new IllegalArgumentException(field + " has " + size + " elements, its count field " + countField
                    + " is a " + countType.apiName() + " (at most " + countType.max() + ")");
        }
    }
}
