package dev.booster.api.net;

/** An IPv4 address; {@code bits} holds it in network order as an int (10.0.0.1 is 0x0A000001). */
public record Ip4Address(int bits) implements IpAddress {

    public static Ip4Address parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("IPv4 address is empty");
        int value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            int octet = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                octet = octet * 10 + (text.charAt(i) - '0');
                if (i - start > 2 || octet > 255) throw bad(text, "octet " + (octets + 1) + " is above 255");
                i++;
            }
            if (i == start) throw bad(text, i < n ? "unexpected '" + text.charAt(i) + "'" : "ends with '.'");
            if (i - start > 1 && text.charAt(start) == '0') throw bad(text, "octet " + (octets + 1) + " has a leading zero (ambiguous: octal?)");
            value = (value << 8) | octet;
            octets++;
            if (i < n) {
                if (text.charAt(i) != '.') throw bad(text, "unexpected '" + text.charAt(i) + "'");
                if (octets == 4) throw bad(text, "has more than 4 octets");
                i++;
                if (i == n) throw bad(text, "ends with '.'");
            }
        }
        if (octets != 4) throw bad(text, "needs 4 octets, has " + octets);
        return new Ip4Address(value);
    }

    public static Ip4Address ofBytes(byte[] b) {
        if (b.length != 4) throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + b.length);
        return new Ip4Address((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("\"" + text + "\" is not an IPv4 address: " + why);
    }

    @Override
    public IpFamily family() {
        return IpFamily.IPV4;
    }

    @Override
    public byte[] toBytes() {
        return new byte[]{(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
