package dev.booster.api.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/** An address assigned to an interface together with the length of its on-link prefix, e.g. {@code 10.1.0.5/24}. */
public record InterfaceAddress(IpAddress address, int prefixLength) {

    public InterfaceAddress {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > address.bitLength()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range for " + address.family()
                    + "; use 0.." + address.bitLength());
        }
    }

    /** Parses {@code 10.1.0.5/24}; a bare address means a host address (/32 or /128). */
    @JsonCreator
    public static InterfaceAddress parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("interface address is empty");
        int slash = text.indexOf('/');
        if (slash < 0) {
            IpAddress a = IpAddress.parse(text);
            return new InterfaceAddress(a, a.bitLength());
        }
        IpAddress a = IpAddress.parse(text.substring(0, slash));
        return new InterfaceAddress(a, IpPrefix.parseLength(text, slash, a));
    }

    /** The on-link prefix, e.g. {@code 10.1.0.0/24} for {@code 10.1.0.5/24}. */
    public IpPrefix prefix() {
        return IpPrefix.containing(address, prefixLength);
    }

    @JsonValue
    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
