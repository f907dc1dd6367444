package dev.booster.api.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An IPv4 or IPv6 address as a value: parsed from and printed as canonical text (dotted quad; RFC 5952 for IPv6),
 * never resolved through DNS.
 */
public sealed interface IpAddress extends Comparable<IpAddress> permits Ip4Address, Ip6Address {

    /** Parses {@code 10.0.0.1} or {@code fd00::1}. Throws {@link IllegalArgumentException} that says what is wrong. */
    @JsonCreator
    static IpAddress parse(String text) {
        if (text == null) throw new IllegalArgumentException("IP address is missing");
        return text.indexOf(':') >= 0 ? Ip6Address.parse(text) : Ip4Address.parse(text);
    }

    /** An address from its 4 or 16 network-order bytes. */
    static IpAddress ofBytes(byte[] bytes) {
        return switch (bytes.length) {
            case 4 -> Ip4Address.ofBytes(bytes);
            case 16 -> Ip6Address.ofBytes(bytes);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        };
    }

    IpFamily family();

    /** Network-order bytes: 4 for IPv4, 16 for IPv6. */
    byte[] toBytes();

    /** The number of bits: 32 or 128. */
    default int bitLength() {
        return family().bits();
    }

    /** Canonical text. */
    @JsonValue
    @Override
    String toString();

    @Override
    default int compareTo(IpAddress other) {
        if (family() != other.family()) return family().compareTo(other.family());
        return java.util.Arrays.compareUnsigned(toBytes(), other.toBytes());
    }
}
