package dev.booster.api.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * A network prefix such as {@code 10.0.0.0/8} or {@code fd00::/64}. Host bits must be zero: {@code 10.0.0.1/8} is
 * refused with a message naming the prefix that was probably meant (an address with a prefix length on an
 * interface is an {@link InterfaceAddress}).
 */
public record IpPrefix(IpAddress address, int length) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        if (length < 0 || length > address.bitLength()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for " + address.family()
                    + "; use 0.." + address.bitLength());
        }
        IpAddress network = maskOf(address, length);
        if (!network.equals(address)) {
            throw new IllegalArgumentException("\"" + address + "/" + length + "\" has host bits set; did you mean "
                    + network + "/" + length + "?");
        }
    }

    /** Parses {@code a.b.c.d/len} or {@code v6/len}. A bare address is a host prefix (/32 or /128). */
    @JsonCreator
    public static IpPrefix parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("CIDR prefix is empty");
        int slash = text.indexOf('/');
        if (slash < 0) {
            IpAddress a = IpAddress.parse(text);
            return new IpPrefix(a, a.bitLength());
        }
        IpAddress a = IpAddress.parse(text.substring(0, slash));
        return new IpPrefix(a, parseLength(text, slash, a));
    }

    /** The prefix of {@code length} bits that contains {@code address} (host bits cleared). */
    public static IpPrefix containing(IpAddress address, int length) {
        if (length < 0 || length > address.bitLength()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range for " + address.family());
        }
        return new IpPrefix(maskOf(address, length), length);
    }

    static int parseLength(String text, int slash, IpAddress a) {
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("\"" + text + "\" has no valid prefix length after '/'; use 0.." + a.bitLength());
        }
        if (len.length() > 1 && len.charAt(0) == '0') {
            throw new IllegalArgumentException("\"" + text + "\" has a leading zero in its prefix length; write /" + Integer.parseInt(len));
        }
        int length = Integer.parseInt(len);
        if (length > a.bitLength()) {
            throw new IllegalArgumentException("\"" + text + "\": prefix length " + length + " is out of range; use 0.." + a.bitLength());
        }
        return length;
    }

    static IpAddress maskOf(IpAddress address, int length) {
        return switch (address) {
            case Ip4Address v4 -> new Ip4Address(length == 0 ? 0 : v4.bits() & (-1 << (32 - length)));
            case Ip6Address v6 -> {
                long hiMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
                long loMask = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
                yield new Ip6Address(v6.high() & hiMask, v6.low() & loMask);
            }
        };
    }

    public IpFamily family() {
        return address.family();
    }

    /** True when {@code candidate} lies inside this prefix (always false across families). */
    public boolean contains(IpAddress candidate) {
        return candidate.family() == address.family() && maskOf(candidate, length).equals(address);
    }

    /** True when every address of {@code other} lies inside this prefix. */
    public boolean contains(IpPrefix other) {
        return other.length >= length && contains(other.address);
    }

    @JsonValue
    @Override
    public String toString() {
        return address + "/" + length;
    }
}
