package dev.booster.vpp.codegen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiJsonReaderTest {

    private final ApiFile file = TestApi.file();

    @Test
    void readsEveryFieldForm() {
        ApiMessage routeAdd = message("route_add");
        assertEquals("0000005a", routeAdd.crc(), "a short crc is padded to 8 hex digits");
        assertEquals("route_add_0000005a", routeAdd.nameWithCrc());
        assertEquals(new ApiField("vl_api_path_t", "paths", 0, Optional.of("n_paths"), Optional.empty()),
                routeAdd.fields().get(5));
        assertEquals(new ApiField("string", "tag", 64, Optional.empty(), Optional.empty()), routeAdd.fields().get(6));
        ApiDefinition.Struct path = (ApiDefinition.Struct) definition("path");
        assertEquals(Optional.of(4294967295L), path.fields().getFirst().defaultValue().map(Number.class::cast)
                .map(Number::longValue));
        assertEquals(Optional.of("true"), path.fields().get(3).defaultValue());
        assertEquals(4, path.fields().get(2).length());
        assertTrue(path.comment().orElseThrow().contains("A path"));
    }

    @Test
    void readsEnumsWithTheirSizeAliasesUnionsAndServices() {
        ApiDefinition.Enum family = (ApiDefinition.Enum) definition("address_family");
        assertEquals("u8", family.enumType());
        assertEquals(Map.of("ADDRESS_IP4", 0L, "ADDRESS_IP6", 1L), family.values());
        assertTrue(((ApiDefinition.Enum) definition("tunnel_flags")).flags());
        assertEquals(new ApiDefinition.Alias("ip4_address", "u8", 4), definition("ip4_address"));
        assertEquals(new ApiDefinition.Alias("interface_index", "u32", -1), definition("interface_index"));
        assertEquals(2, ((ApiDefinition.Union) definition("address_union")).members().size());
        ApiService dump = file.services().stream().filter(s -> s.request().equals("route_dump")).findFirst()
                .orElseThrow();
        assertTrue(dump.stream());
        assertEquals(List.of("route_event"), file.services().stream()
                .filter(s -> s.request().equals("want_route_events")).findFirst().orElseThrow().events());
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        ApiFormatException noCrc = assertThrows(ApiFormatException.class, () -> TestApi.file("""
                {"messages": [["m", ["u16", "_vl_msg_id"], {"options": {}}]]}"""));
        assertTrue(noCrc.getMessage().contains("message m has no crc"), noCrc.getMessage());
        ApiFormatException oddField = assertThrows(ApiFormatException.class, () -> TestApi.file("""
                {"types": [["t", ["u8", "x", 4, 5]]]}"""));
        assertTrue(oddField.getMessage().contains("t.x has an element this generator does not know: 5"),
                oddField.getMessage());
    }

    private ApiMessage message(String name) {
        return file.messages().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private ApiDefinition definition(String name) {
        return file.definitions().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}
