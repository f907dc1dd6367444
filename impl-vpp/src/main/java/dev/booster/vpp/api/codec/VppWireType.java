package dev.booster.vpp.api.codec;

import java.util.Objects;

/**
 * How one field of a VPP message or type is laid out on the wire, as the {@code .api.json} says. Generated records
 * carry these in their {@code TYPE.fields()}, so that tests (and tools) can walk any message without knowing it.
 */
public sealed interface VppWireType {

    /** VPP's base types. Integers are big-endian; Java carries the unsigned ones in the next wider type. */
    enum Scalar implements VppWireType {
        U8(1, 0, 0xffL),
        I8(1, Byte.MIN_VALUE, Byte.MAX_VALUE),
        U16(2, 0, 0xffffL),
        I16(2, Short.MIN_VALUE, Short.MAX_VALUE),
        U32(4, 0, 0xffff_ffffL),
        I32(4, Integer.MIN_VALUE, Integer.MAX_VALUE),
        U64(8, Long.MIN_VALUE, Long.MAX_VALUE),
        I64(8, Long.MIN_VALUE, Long.MAX_VALUE),
        F64(8, 0, 0),
        BOOL(1, 0, 1);

        private final int size;
        private final long min;
        private final long max;

        Scalar(int size, long min, long max) {
            this.size = size;
            this.min = min;
            this.max = max;
        }

        /** Bytes on the wire. */
        public int size() {
            return size;
        }

        /** The smallest Java value the field accepts (u64 takes any long: its bits are the value). */
        public long min() {
            return min;
        }

        public long max() {
            return max;
        }

        /** The name in {@code .api.json}, e.g. {@code u32}. */
        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether a Java value of this scalar needs a range check (u64/i64/i32/f64/bool take any value). */
        public boolean isRangeChecked() {
            return this == U8 || this == I8 || this == U16 || this == I16 || this == U32;
        }
    }

    /** {@code string name[N]}: UTF-8, NUL-padded to exactly N bytes; a value of N bytes has no terminator. */
    record FixedString(int length) implements VppWireType {
        public FixedString {
            if (length <= 0) {
                throw new IllegalArgumentException("fixed string length must be positive: " + length);
            }
        }
    }

    /** {@code string name[]} ({@code vl_api_string_t}): a u32 byte count, then that many UTF-8 bytes. */
    record VariableString() implements VppWireType {
    }

    /** {@code T name[N]}: exactly N elements back to back; {@code u8} arrays are {@link ByteArray}s. */
    record FixedArray(VppWireType element, int length) implements VppWireType {
        public FixedArray {
            Objects.requireNonNull(element, "element");
        }
    }

    /**
     * {@code T name[count_field]}: as many elements as the earlier field {@code countField} says. The count is not a
     * record component: encoders write the list's size there, decoders read it.
     */
    record CountedArray(VppWireType element, String countField, Scalar countType) implements VppWireType {
        public CountedArray {
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(countField, "countField");
            Objects.requireNonNull(countType, "countType");
        }
    }

    record StructRef(VppStructType<?> type) implements VppWireType {
        public StructRef {
            Objects.requireNonNull(type, "type");
        }
    }

    record EnumRef(VppEnumType<?> type) implements VppWireType {
        public EnumRef {
            Objects.requireNonNull(type, "type");
        }
    }

    record UnionRef(VppUnionType<?> type) implements VppWireType {
        public UnionRef {
            Objects.requireNonNull(type, "type");
        }
    }
}
