package dev.booster.api.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.HexFormat;

/** A 48-bit Ethernet address, printed as {@code 02:00:0a:01:00:05}; {@code bits} holds it in the low 48 bits. */
public record MacAddress(long bits) {

    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) throw new IllegalArgumentException("a MAC address has 48 bits");
    }

    /** Parses six hex pairs separated by ':' or '-' (case-insensitive). */
    @JsonCreator
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("\"" + text + "\" is not a MAC address: expected six hex pairs like 02:00:00:00:00:01");
        }
        char sep = text.charAt(2);
        if (sep != ':' && sep != '-') {
            throw new IllegalArgumentException("\"" + text + "\" is not a MAC address: separate the pairs with ':' or '-'");
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int hi = AsciiHex.value(text.charAt(3 * i));
            int lo = AsciiHex.value(text.charAt(3 * i + 1));
            if (hi < 0 || lo < 0 || (i < 5 && text.charAt(3 * i + 2) != sep)) {
                throw new IllegalArgumentException("\"" + text + "\" is not a MAC address: pair " + (i + 1) + " is not hex or the separators differ");
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    public static MacAddress ofBytes(byte[] b) {
        if (b.length != 6) throw new IllegalArgumentException("a MAC address has 6 bytes, not " + b.length);
        long v = 0;
        for (byte x : b) v = (v << 8) | (x & 0xff);
        return new MacAddress(v);
    }

    /** A locally administered unicast address derived from {@code seed} (stable for the same seed). */
    public static MacAddress locallyAdministered(long seed) {
        long v = (seed * 0x9E3779B97F4A7C15L) >>> 16;
        v = (v & ~(0x03L << 40)) | (0x02L << 40);
        return new MacAddress(v & 0xffff_ffff_ffffL);
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (bits >>> (40 - 8 * i));
        return b;
    }

    public boolean isMulticast() {
        return ((bits >>> 40) & 1) != 0;
    }

    @JsonValue
    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
