package dev.booster.vpp.codegen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireResolverTest {

    private final ApiDefinitions api = TestApi.definitions();
    private final WireResolver resolver = new WireResolver(api.types());

    @Test
    void aliasesOfScalarsAndStructsAreLookedThroughAliasesOfArraysAreTypes() {
        assertEquals(new Wire.Scalar(ScalarKind.U32), resolver.resolveType("x", "vl_api_interface_index_t"));
        assertEquals(new Wire.Named(api.types().get("prefix")), resolver.resolveType("x", "vl_api_address_with_prefix_t"));
        assertEquals(new Wire.Named(api.types().get("ip4_address")), resolver.resolveType("x", "vl_api_ip4_address_t"));
    }

    @Test
    void arraysAndStringsTakeTheirForms() {
        List<ApiField> fields = api.messages().get("route_add").fields();
        assertEquals(new Wire.CountedArray(new Wire.Named(api.types().get("path")), "n_paths", ScalarKind.U8),
                resolver.resolveField("route_add", fields.get(5), fields));
        assertEquals(new Wire.FixedString(64), resolver.resolveField("route_add", fields.get(6), fields));
        List<ApiField> dump = api.messages().get("route_dump").fields();
        assertEquals(new Wire.VariableString(), resolver.resolveField("route_dump", dump.get(3), dump));
        assertTrue(resolver.resolveField("route_add_reply", api.messages().get("route_add_reply").fields().get(4),
                api.messages().get("route_add_reply").fields()).isBytes());
    }

    @Test
    void sizesFollowTheWire() {
        assertEquals(16, resolver.unionSize((ApiDefinition.Union) api.types().get("address_union")));
        assertEquals(OptionalInt.of(17), resolver.fixedSize(new Wire.Named(api.types().get("address"))));
        assertEquals(OptionalInt.of(18), resolver.fixedSize(new Wire.Named(api.types().get("prefix"))));
        assertEquals(OptionalInt.empty(), resolver.fixedSize(new Wire.VariableString()));
        assertEquals(4, resolver.minSize(new Wire.VariableString()), "the u32 length");
        assertEquals(ScalarKind.U8, resolver.enumKind((ApiDefinition.Enum) api.types().get("address_family")));
    }

    @Test
    void malformedFieldsAreRefusedNamingTheField() {
        assertRefused("t.x: unknown type vl_api_nowhere_t", List.of(field("vl_api_nowhere_t", "x", -1, null)));
        assertRefused("t.items: count field n comes after the array",
                List.of(field("u8", "items", 0, "n"), field("u8", "n", -1, null)));
        assertRefused("t.items: count field n is i32, not an unsigned integer",
                List.of(field("i32", "n", -1, null), field("u8", "items", 0, "n")));
        assertRefused("t.items: a variable-length array without a count field",
                List.of(field("u32", "items", 0, null)));
        assertRefused("t.items: count field m is not a field of t", List.of(field("u8", "items", 0, "m")));
    }

    private void assertRefused(String expected, List<ApiField> fields) {
        ApiFormatException refused = assertThrows(ApiFormatException.class,
                () -> fields.forEach(f -> resolver.resolveField("t", f, fields)));
        assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
    }

    private static ApiField field(String type, String name, int length, String count) {
        return new ApiField(type, name, length, Optional.ofNullable(count), Optional.empty());
    }
}
