package dev.booster.api.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpPrefixTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0/8, 8",
            "0.0.0.0/0, 0.0.0.0/0, 0",
            "192.0.2.7, 192.0.2.7/32, 32",
            "192.0.2.7/32, 192.0.2.7/32, 32",
            "2001:DB8::/32, 2001:db8::/32, 32",
            "fd00:0:0:1::/64, fd00:0:0:1::/64, 64",
            "::/0, ::/0, 0",
            "fd00::1, fd00::1/128, 128",
            "2001:db8::8000:0:0:0/65, 2001:db8:0:0:8000::/65, 65"})
    void parsesAndPrintsCanonically(String text, String canonical, int length) {
        IpPrefix p = IpPrefix.parse(text);
        assertEquals(canonical, p.toString());
        assertEquals(length, p.length());
        assertEquals(p, IpPrefix.parse(canonical));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1/8     | \"10.0.0.1/8\" has host bits set; did you mean 10.0.0.0/8?",
            "fd00::1/64     | \"fd00::1/64\" has host bits set; did you mean fd00::/64?",
            "10.0.0.0/33    | \"10.0.0.0/33\": prefix length 33 is out of range; use 0..32",
            "fd00::/129     | \"fd00::/129\": prefix length 129 is out of range; use 0..128",
            "10.0.0.0/      | \"10.0.0.0/\" has no valid prefix length after '/'; use 0..32",
            "10.0.0.0/-1    | \"10.0.0.0/-1\" has no valid prefix length after '/'; use 0..32",
            "10.0.0.0/8/8   | \"10.0.0.0/8/8\" has no valid prefix length after '/'; use 0..32",
            "10.0.0.0/08    | \"10.0.0.0/08\" has a leading zero in its prefix length; write /8",
            "10.0.0/8       | \"10.0.0\" is not an IPv4 address: needs 4 octets, has 3",
            "/8             | IPv4 address is empty"})
    void invalidPrefixesSayWhy(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text)).getMessage());
    }

    @Test
    void containsAddressesAndPrefixes() {
        IpPrefix p = IpPrefix.parse("10.1.0.0/16");
        assertTrue(p.contains(IpAddress.parse("10.1.0.0")));
        assertTrue(p.contains(IpAddress.parse("10.1.255.255")));
        assertFalse(p.contains(IpAddress.parse("10.2.0.0")));
        assertFalse(p.contains(IpAddress.parse("::ffff:10.1.0.1")), "never across families");
        assertTrue(p.contains(IpPrefix.parse("10.1.2.0/24")));
        assertTrue(p.contains(p));
        assertFalse(p.contains(IpPrefix.parse("10.0.0.0/8")));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("255.255.255.255")));
        assertTrue(IpPrefix.parse("fd00::/8").contains(IpAddress.parse("fdff:ffff::1")));
        assertFalse(IpPrefix.parse("fd00::/8").contains(IpAddress.parse("fe00::1")));
        assertTrue(IpPrefix.parse("2001:db8::/127").contains(IpAddress.parse("2001:db8::1")));
        assertFalse(IpPrefix.parse("2001:db8::/127").contains(IpAddress.parse("2001:db8::2")));
    }

    @Test
    void containingClearsHostBits() {
        assertEquals(IpPrefix.parse("10.1.0.0/16"), IpPrefix.containing(IpAddress.parse("10.1.200.3"), 16));
        assertEquals(IpPrefix.parse("2001:db8::/33"), IpPrefix.containing(IpAddress.parse("2001:db8:7fff::1"), 33));
        assertEquals(IpPrefix.parse("0.0.0.0/0"), IpPrefix.containing(IpAddress.parse("1.2.3.4"), 0));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.containing(IpAddress.parse("1.2.3.4"), 33));
    }

    @Test
    void interfaceAddressKeepsHostBits() {
        InterfaceAddress a = InterfaceAddress.parse("10.1.0.5/24");
        assertEquals(IpAddress.parse("10.1.0.5"), a.address());
        assertEquals(24, a.prefixLength());
        assertEquals(IpPrefix.parse("10.1.0.0/24"), a.prefix());
        assertEquals("10.1.0.5/24", a.toString());
        assertEquals("fd00:1::5/64", InterfaceAddress.parse("FD00:1:0::5/64").toString());
        assertEquals("192.0.2.1/32", InterfaceAddress.parse("192.0.2.1").toString());
        assertEquals("fd00::1/128", InterfaceAddress.parse("fd00::1").toString());
        assertEquals("\"10.1.0.5/33\": prefix length 33 is out of range; use 0..32",
                assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("10.1.0.5/33")).getMessage());
        assertEquals("interface address is empty", assertThrows(IllegalArgumentException.class, () -> InterfaceAddress.parse("")).getMessage());
        assertEquals("prefix length 129 is out of range for IPV6; use 0..128",
                assertThrows(IllegalArgumentException.class, () -> new InterfaceAddress(IpAddress.parse("::1"), 129)).getMessage());
    }

    @Test
    void macAddresses() {
        MacAddress m = MacAddress.parse("02:00:0A:01:00:05");
        assertEquals("02:00:0a:01:00:05", m.toString());
        assertEquals(0x02000a010005L, m.bits());
        assertEquals(m, MacAddress.parse("02-00-0a-01-00-05"));
        assertArrayEquals(new byte[]{2, 0, 10, 1, 0, 5}, m.toBytes());
        assertEquals(m, MacAddress.ofBytes(m.toBytes()));
        assertFalse(m.isMulticast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.BROADCAST.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "02:00:0a:01:00      | \"02:00:0a:01:00\" is not a MAC address: expected six hex pairs like 02:00:00:00:00:01",
            "02.00.0a.01.00.05   | \"02.00.0a.01.00.05\" is not a MAC address: separate the pairs with ':' or '-'",
            "02:00-0a:01:00:05   | \"02:00-0a:01:00:05\" is not a MAC address: pair 2 is not hex or the separators differ",
            "02:00:0g:01:00:05   | \"02:00:0g:01:00:05\" is not a MAC address: pair 3 is not hex or the separators differ",
            "０2:00:0a:01:00:05   | \"０2:00:0a:01:00:05\" is not a MAC address: pair 1 is not hex or the separators differ"})
    void invalidMacsSayWhy(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text)).getMessage());
    }

    @Test
    void locallyAdministeredMacsAreStableUnicastAndLocal() {
        for (long seed = -5; seed < 1000; seed += 7) {
            MacAddress m = MacAddress.locallyAdministered(seed);
            assertEquals(m, MacAddress.locallyAdministered(seed));
            assertFalse(m.isMulticast(), m.toString());
            assertEquals(0x02, m.toBytes()[0] & 0x02, "locally administered bit: " + m);
        }
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    }
}
