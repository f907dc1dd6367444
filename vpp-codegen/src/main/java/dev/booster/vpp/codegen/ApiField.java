package dev.booster.vpp.codegen;

import java.util.Objects;
import java.util.Optional;

/**
 * One field as {@code .api.json} writes it: {@code [type, name]}, {@code [type, name, length]} (0 = variable) or
 * {@code [type, name, 0, count_field]}, each optionally followed by {@code {"default": ...}} (or a union member's
 * {@code {"case": ...}}, or a union field's {@code {"discriminator": ...}}, which the wire form does not need).
 *
 * @param length     -1 when the field is not an array
 * @param countField the earlier field holding the element count of a variable-length array
 */
record ApiField(String type, String name, int length, Optional<String> countField, Optional<Object> defaultValue) {

    ApiField {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(countField, "countField");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    boolean isArray() {
        return length >= 0;
    }
}
