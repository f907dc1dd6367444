package dev.booster.api.net;

/** An IPv6 address as two longs in network order: {@code high} holds bytes 0..7, {@code low} bytes 8..15. */
public record Ip6Address(long high, long low) implements IpAddress {

    public static Ip6Address parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("IPv6 address is empty");
        if (text.indexOf('%') >= 0) throw bad(text, "zone ids (%...) are not accepted here");
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int n = text.length();
        int i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (text.startsWith(":")) {
            throw bad(text, "starts with a single ':'");
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && AsciiHex.value(text.charAt(i)) >= 0) {
                value = value * 16 + AsciiHex.value(text.charAt(i));
                i++;
            }
            int len = i - start;
            if (i < n && text.charAt(i) == '.') {
                // Embedded IPv4 (::ffff:1.2.3.4): the rest of the text is a dotted quad worth two groups.
                if (count > 6) throw bad(text, "embedded IPv4 address comes too late");
                int v4 = Ip4Address.parse(text.substring(start)).bits();
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xffff;
                i = n;
                break;
            }
            if (len == 0) throw bad(text, i < n ? "unexpected '" + text.charAt(i) + "'" : "ends with ':'");
            if (len > 4) throw bad(text, "group '" + text.substring(start, i) + "' has more than 4 hex digits");
            if (count == 8) throw bad(text, "has more than 8 groups");
            groups[count++] = value;
            if (i == n) break;
            if (text.charAt(i) != ':') throw bad(text, "unexpected '" + text.charAt(i) + "'");
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) throw bad(text, "'::' may appear only once");
                gap = count;
                i++;
            } else if (i == n) {
                throw bad(text, "ends with a single ':'");
            }
        }
        if (gap < 0 && count != 8) throw bad(text, "needs 8 groups or '::', has " + count + " groups");
        if (gap >= 0 && count > 7) throw bad(text, "'::' stands for no group here");
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            System.arraycopy(groups, 0, full, 0, gap);
            int tail = count - gap;
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) hi = (hi << 16) | full[g];
        for (int g = 4; g < 8; g++) lo = (lo << 16) | full[g];
        return new Ip6Address(hi, lo);
    }

    public static Ip6Address ofBytes(byte[] b) {
        if (b.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 8; k++) hi = (hi << 8) | (b[k] & 0xff);
        for (int k = 8; k < 16; k++) lo = (lo << 8) | (b[k] & 0xff);
        return new Ip6Address(hi, lo);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("\"" + text + "\" is not an IPv6 address: " + why);
    }

    /** The 16-bit group {@code index} (0..7). */
    public int group(int index) {
        long word = index < 4 ? high : low;
        return (int) (word >>> (48 - 16 * (index & 3))) & 0xffff;
    }

    @Override
    public IpFamily family() {
        return IpFamily.IPV6;
    }

    @Override
    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (high >>> (56 - 8 * k));
            b[8 + k] = (byte) (low >>> (56 - 8 * k));
        }
        return b;
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups (the first on a tie) as '::'. */
    @Override
    public String toString() {
        if (high == 0 && (low >>> 32) == 0xffffL) {
            return "::ffff:" + new Ip4Address((int) low);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int g = 0; g < 8; ) {
            if (group(g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(g) == 0) g++;
            if (g - start > bestLen) {
                bestStart = start;
                bestLen = g - start;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(group(g)));
        }
        return sb.toString();
    }
}
