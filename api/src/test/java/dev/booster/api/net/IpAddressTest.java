package dev.booster.api.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 0x00000000",
            "10.0.0.1, 0x0A000001",
            "192.168.255.7, 0xC0A8FF07",
            "255.255.255.255, 0xFFFFFFFF"})
    void ipv4ParsesToNetworkOrderBits(String text, String hexBits) {
        Ip4Address a = Ip4Address.parse(text);
        assertEquals((int) Long.parseLong(hexBits.substring(2), 16), a.bits());
        assertEquals(text, a.toString());
        assertEquals(a, IpAddress.parse(text));
        assertEquals(IpFamily.IPV4, a.family());
        assertEquals(32, a.bitLength());
    }

    @Test
    void ipv4Bytes() {
        Ip4Address a = Ip4Address.parse("192.0.2.254");
        assertArrayEquals(new byte[]{(byte) 192, 0, 2, (byte) 254}, a.toBytes());
        assertEquals(a, IpAddress.ofBytes(a.toBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "01.2.3.4       | \"01.2.3.4\" is not an IPv4 address: octet 1 has a leading zero (ambiguous: octal?)",
            "1.2.3.010      | \"1.2.3.010\" is not an IPv4 address: octet 4 has a leading zero (ambiguous: octal?)",
            "256.1.1.1      | \"256.1.1.1\" is not an IPv4 address: octet 1 is above 255",
            "1.2.3.1000     | \"1.2.3.1000\" is not an IPv4 address: octet 4 is above 255",
            "1.2.3          | \"1.2.3\" is not an IPv4 address: needs 4 octets, has 3",
            "1.2.3.4.5      | \"1.2.3.4.5\" is not an IPv4 address: has more than 4 octets",
            "1.2.3.         | \"1.2.3.\" is not an IPv4 address: ends with '.'",
            "1..2.3         | \"1..2.3\" is not an IPv4 address: unexpected '.'",
            "1.2.3.4/8      | \"1.2.3.4/8\" is not an IPv4 address: unexpected '/'",
            "1.2.3.x        | \"1.2.3.x\" is not an IPv4 address: unexpected 'x'",
            "'1.2.3.4 '     | \"1.2.3.4 \" is not an IPv4 address: unexpected ' '"})
    void invalidIpv4SaysWhy(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text)).getMessage());
    }

    /** RFC 5952 section 4: one canonical text per address. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",              // compress the zeros
            "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1", // no leading zeros
            "2001:DB8::AbCd, 2001:db8::abcd",                   // lower case
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",                // the longest run
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",          // the first of equal runs
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",       // a single zero group stays
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",                 // '::' may stand for one group on input, never on output
            "::1:2:3:4:5:6:7, 0:1:2:3:4:5:6:7",
            "0:0:0:0:0:0:0:0, ::",
            "::1, ::1",
            "1::, 1::",
            "fe80::, fe80::",
            "::ffff:192.0.2.1, ::ffff:192.0.2.1",               // IPv4-mapped keeps its dotted quad
            "::ffff:c000:0201, ::ffff:192.0.2.1",
            "::ffff:0.0.0.0, ::ffff:0.0.0.0",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",           // other embedded IPv4 is plain hex
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"})
    void ipv6PrintsRfc5952CanonicalText(String input, String canonical) {
        IpAddress a = IpAddress.parse(input);
        assertInstanceOf(Ip6Address.class, a);
        assertEquals(canonical, a.toString());
        assertEquals(a, IpAddress.parse(canonical));
        assertEquals(128, a.bitLength());
    }

    @Test
    void ipv6GroupsAndBytes() {
        Ip6Address a = Ip6Address.parse("2001:db8:1:2:3:4:5:6");
        assertEquals(0x2001, a.group(0));
        assertEquals(0x6, a.group(7));
        assertEquals(0x20010db800010002L, a.high());
        assertEquals(0x0003000400050006L, a.low());
        byte[] bytes = a.toBytes();
        assertEquals(0x20, bytes[0]);
        assertEquals(0x06, bytes[15]);
        assertEquals(a, IpAddress.ofBytes(bytes));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "1::2::3               | \"1::2::3\" is not an IPv6 address: '::' may appear only once",
            "1:2:3:4:5:6:7:8:9     | \"1:2:3:4:5:6:7:8:9\" is not an IPv6 address: has more than 8 groups",
            "1:2:3:4:5:6:7         | \"1:2:3:4:5:6:7\" is not an IPv6 address: needs 8 groups or '::', has 7 groups",
            "1:2:3:4::5:6:7:8      | \"1:2:3:4::5:6:7:8\" is not an IPv6 address: '::' stands for no group here",
            "12345::               | \"12345::\" is not an IPv6 address: group '12345' has more than 4 hex digits",
            ":1::                  | \":1::\" is not an IPv6 address: starts with a single ':'",
            "1::2:                 | \"1::2:\" is not an IPv6 address: ends with a single ':'",
            "1:::2                 | \"1:::2\" is not an IPv6 address: unexpected ':'",
            "fe80::1%eth0          | \"fe80::1%eth0\" is not an IPv6 address: zone ids (%...) are not accepted here",
            "g::1                  | \"g::1\" is not an IPv6 address: unexpected 'g'",
            "1:2:3:4:5:6:7:1.2.3.4 | \"1:2:3:4:5:6:7:1.2.3.4\" is not an IPv6 address: embedded IPv4 address comes too late",
            "::ffff:1.2.3.256      | \"1.2.3.256\" is not an IPv4 address: octet 4 is above 255",
            "２００１:db8::1        | \"２００１:db8::1\" is not an IPv6 address: unexpected '２'"})
    void invalidIpv6SaysWhy(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text)).getMessage());
    }

    @Test
    void emptyAndMissing() {
        assertEquals("IP address is missing", assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(null)).getMessage());
        assertEquals("IPv4 address is empty", assertThrows(IllegalArgumentException.class, () -> IpAddress.parse("")).getMessage());
        assertEquals("an IP address has 4 or 16 bytes, not 5",
                assertThrows(IllegalArgumentException.class, () -> IpAddress.ofBytes(new byte[5])).getMessage());
    }

    @Test
    void orderSortsIpv4BeforeIpv6ThenByValueUnsigned() {
        assertTrue(IpAddress.parse("255.255.255.255").compareTo(IpAddress.parse("::")) < 0);
        assertTrue(IpAddress.parse("10.0.0.2").compareTo(IpAddress.parse("128.0.0.1")) < 0, "unsigned, not signed int order");
        assertTrue(IpAddress.parse("::1").compareTo(IpAddress.parse("8000::")) < 0);
        assertEquals(0, IpAddress.parse("fd00::1").compareTo(IpAddress.parse("fd00:0::1")));
    }
}
