package dev.booster.vpp.codegen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JavaNamesTest {

    @Test
    void typeNamesAreUpperCamelWithoutVppsPrefixAndSuffix() {
        assertEquals("SwInterfaceDump", JavaNames.typeName("sw_interface_dump"));
        assertEquals("Address", JavaNames.typeName("vl_api_address_t"));
        assertEquals("Ip4Address", JavaNames.typeName("ip4_address"));
    }

    @Test
    void componentNamesAreLowerCamelAndNeverKeywordsOrClashes() {
        assertEquals("swIfIndex", JavaNames.componentName("sw_if_index"));
        assertEquals("interface_", JavaNames.componentName("interface"));
        assertEquals("record_", JavaNames.componentName("record"));
        assertEquals("encode_", JavaNames.componentName("encode"), "would clash with the static codec method");
        assertEquals("hashCode_", JavaNames.componentName("hash_code"), "would clash with Object.hashCode");
        assertEquals("t1", JavaNames.componentName("T1"));
        assertEquals("pollingS", JavaNames.componentName("polling_S"));
        assertEquals("v6rd", JavaNames.componentName("6rd"), "identifiers cannot start with a digit");
    }

    @Test
    void unionFactoriesAreNamedAfterTheMember() {
        assertEquals("ofIp4", JavaNames.factoryName("ip4"));
        assertEquals("ofInterface", JavaNames.factoryName("interface_"));
    }

    @Test
    void javaIdentifiersAreRecognised() {
        assertTrue(JavaNames.isJavaIdentifier("ADDRESS_IP4"));
        assertFalse(JavaNames.isJavaIdentifier("4GB"));
        assertFalse(JavaNames.isJavaIdentifier("class"));
    }
}
