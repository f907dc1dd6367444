package dev.booster.vpp.codegen;

import java.util.Optional;

/**
 * One field of a generated struct or message, resolved.
 *
 * @param vppName      the name in the JSON
 * @param javaName     the record component (for a count field, the name of the local its decoder reads)
 * @param wire         the layout
 * @param count        whether this is a count field: written from the array's size, not a record component
 * @param defaultValue the JSON's {@code default}, used by builders
 */
record Component(String vppName, String javaName, Wire wire, boolean count, Optional<Object> defaultValue) {
}
