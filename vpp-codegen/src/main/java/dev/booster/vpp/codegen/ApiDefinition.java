package dev.booster.vpp.codegen;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A named type of an {@code .api.json}: typedef, union, enum/enumflag or alias. */
sealed interface ApiDefinition {

    String name();

    /** {@code typedef}: fields back to back. */
    record Struct(String name, List<ApiField> fields, Optional<String> comment) implements ApiDefinition {
        public Struct {
            fields = List.copyOf(fields);
        }
    }

    /** {@code union}: one of the members, as wide as the widest. */
    record Union(String name, List<ApiField> members) implements ApiDefinition {
        public Union {
            members = List.copyOf(members);
        }
    }

    /**
     * {@code enum} or {@code enumflag} ({@code flags}), with the integer type that carries it ({@code u8},
     * {@code u16}, {@code u32}...).
     */
    record Enum(String name, String enumType, boolean flags, Map<String, Long> values) implements ApiDefinition {
        public Enum {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
    }

    /** {@code typedef u8 ip4_address[4]} and friends: another name for a type, optionally an array of it. */
    record Alias(String name, String type, int length) implements ApiDefinition {
    }
}
