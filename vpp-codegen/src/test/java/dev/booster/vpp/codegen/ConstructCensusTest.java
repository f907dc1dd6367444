package dev.booster.vpp.codegen;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SortedSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ConstructCensusTest {

    @Test
    void theCensusNamesEachKindOfConstructOnce() {
        SortedSet<String> census = ConstructCensus.of(TestApi.definitions());
        for (String expected : new String[]{"array: counted, of named type", "array: count field u8",
                "array: fixed, of u32", "array: counted, of u8", "array: count field u32", "field: string[N]",
                "field: string[]", "field: union", "field: enum u8", "field: enumflag u8",
                "field: enum *_flags u32", "default of long", "default of boolean", "default of double",
                "message header: client_index+context", "message header: context", "message header: client_index",
                "message header: id only", "service: dump", "service: reply and events", "service: no reply",
                "name: renamed to interface_ (keyword or reserved)", "type: alias of fixed array",
                "union member: alias of fixed array", "field: f64", "field: i16", "message: with i32 retval"}) {
            assertTrue(census.contains(expected), expected + " not in " + census);
        }
    }

    @Test
    void theCensusSaysWhichDefinitionUsesWhat() {
        Map<String, SortedSet<String>> byDefinition = ConstructCensus.byDefinition(TestApi.definitions());
        assertTrue(byDefinition.get("message route_dump").contains("service: dump"));
        assertTrue(byDefinition.get("type path").contains("field: i16"));
    }
}
