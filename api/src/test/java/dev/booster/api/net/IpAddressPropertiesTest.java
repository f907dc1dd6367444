package dev.booster.api.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses survive printing and parsing, and the parser agrees with the JDK's literal parser
 * ({@link InetAddress#ofLiteral}, which never resolves names) on every text it accepts.
 */
class IpAddressPropertiesTest {
    /** RFC 4291 allows at most four hex digits per group; the JDK takes more as long as the value fits. */
    private static final Pattern LONG_GROUP = Pattern.compile("[0-9a-fA-F]{5,}");
    /** An octet with a leading zero (ambiguous: octal in some parsers), refused here, taken as decimal by the JDK. */
    private static final Pattern LEADING_ZERO_OCTET = Pattern.compile("(^|\\.)0[0-9]");

    @Property
    void ipv4BytesRoundTripThroughText(@ForAll @Size(4) byte[] bytes) {
        roundTrip(bytes);
    }

    @Property
    void ipv6BytesRoundTripThroughText(@ForAll("ipv6Bytes") byte[] bytes) {
        roundTrip(bytes);
    }

    private static void roundTrip(byte[] bytes) {
        IpAddress a = IpAddress.ofBytes(bytes);
        String text = a.toString();
        IpAddress back = IpAddress.parse(text);
        assertEquals(a, back, text);
        assertArrayEquals(bytes, back.toBytes(), text);
        assertEquals(text, back.toString());
    }

    @Property
    void prefixesRoundTripThroughText(@ForAll("ipv6Bytes") byte[] bytes, @ForAll("lengths") int length) {
        IpPrefix p = IpPrefix.containing(IpAddress.ofBytes(bytes), length);
        assertEquals(p, IpPrefix.parse(p.toString()));
        assertTrue(p.contains(IpAddress.ofBytes(bytes)));
    }

    /** Every spelling of an address (compressed anywhere, upper case, leading zeros, dotted tail) means the same bytes. */
    @Property
    void parseAgreesWithTheJdkOnValidLiterals(@ForAll("literals") String literal) throws Exception {
        byte[] ours = IpAddress.parse(literal).toBytes();
        assertSameAddress(ours, InetAddress.ofLiteral(literal).getAddress(), literal);
    }

    /**
     * Near-misses of valid literals (one character inserted, dropped or changed): whatever this parser accepts, the
     * JDK accepts as the same address; and for IPv6 text the reverse holds too.
     */
    @Property(tries = 2000)
    void parseAgreesWithTheJdkOnNearMisses(@ForAll("nearMisses") String text) {
        Optional<byte[]> ours = tryParse(text);
        Optional<byte[]> jdk = tryJdk(text);
        Statistics.label("accepted by Booster").collect(ours.isPresent());
        ours.ifPresent(bytes -> {
            assertTrue(jdk.isPresent(), "accepted here, refused by the JDK: " + text);
            assertSameAddress(bytes, jdk.get(), text);
        });
        if (text.indexOf(':') >= 0 && jdk.isPresent() && !jdkIsMoreLenient(text)) {
            assertTrue(ours.isPresent(), "accepted by the JDK, refused here: " + text);
        }
        Statistics.label("accepted by Booster").coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    @Provide
    Arbitrary<byte[]> ipv6Bytes() {
        // Mostly zero groups, so runs of zeros (and their compression) are common.
        Arbitrary<Integer> group = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.just(0), Arbitraries.integers().between(0, 0xffff));
        return group.list().ofSize(8).map(groups -> {
            byte[] b = new byte[16];
            for (int g = 0; g < 8; g++) {
                b[2 * g] = (byte) (groups.get(g) >>> 8);
                b[2 * g + 1] = (byte) (int) groups.get(g);
            }
            return b;
        });
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.integers().between(0, 128);
    }

    @Provide
    Arbitrary<String> literals() {
        Arbitrary<String> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> IpAddress.ofBytes(b).toString());
        Arbitrary<String> v6 = Combinators.combine(ipv6Bytes(), Arbitraries.longs()).as((b, seed) -> spell(Ip6Address.ofBytes(b), new Random(seed)));
        return Arbitraries.oneOf(v4, v6);
    }

    @Provide
    Arbitrary<String> nearMisses() {
        return Combinators.combine(literals(), Arbitraries.longs()).as((text, seed) -> {
            Random r = new Random(seed);
            StringBuilder sb = new StringBuilder(text);
            String alphabet = "0123456789abcdefABCDEFg:.%/ ";
            int at = r.nextInt(sb.length() + 1);
            switch (r.nextInt(4)) {
                case 0 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 1 -> {
                    if (at < sb.length()) sb.deleteCharAt(at);
                }
                case 2 -> {
                    if (at < sb.length()) sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
                default -> {
                    // unchanged: keeps a share of valid texts in the mix
                }
            }
            return sb.toString();
        });
    }

    /** One of the many texts of {@code a}: random case, random leading zeros, '::' on any zero run, maybe a dotted tail. */
    private static String spell(Ip6Address a, Random r) {
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            String hex = Integer.toHexString(a.group(g));
            if (r.nextBoolean()) hex = "0".repeat(r.nextInt(5 - hex.length())) + hex;
            groups.add(r.nextBoolean() ? hex.toUpperCase() : hex);
        }
        boolean dottedTail = r.nextInt(4) == 0;
        int groupCount = dottedTail ? 6 : 8;
        List<int[]> zeroRuns = new ArrayList<>();
        for (int start = 0; start < groupCount; start++) {
            if (a.group(start) != 0) continue;
            int end = start;
            while (end < groupCount && a.group(end) == 0) end++;
            int runEnd = start + 1 + r.nextInt(end - start);
            zeroRuns.add(new int[]{start, runEnd});
        }
        String tail = dottedTail ? ((a.group(6) >>> 8) + "." + (a.group(6) & 0xff) + "." + (a.group(7) >>> 8) + "." + (a.group(7) & 0xff)) : null;
        List<String> head = groups.subList(0, groupCount);
        String text;
        if (!zeroRuns.isEmpty() && r.nextInt(3) > 0) {
            int[] run = zeroRuns.get(r.nextInt(zeroRuns.size()));
            text = String.join(":", head.subList(0, run[0])) + "::" + String.join(":", head.subList(run[1], groupCount));
            if (tail != null) text = text + (text.endsWith(":") ? "" : ":") + tail;
        } else {
            text = String.join(":", head) + (tail == null ? "" : ":" + tail);
        }
        return text;
    }

    /** Texts the JDK accepts on leniency that RFC 4291 and this parser do not share; zone ids are refused on purpose. */
    private static boolean jdkIsMoreLenient(String text) {
        String dottedTail = text.substring(text.lastIndexOf(':') + 1);
        return LONG_GROUP.matcher(text).find() || (dottedTail.contains(".") && LEADING_ZERO_OCTET.matcher(dottedTail).find())
                || text.contains("%");
    }

    private static Optional<byte[]> tryParse(String text) {
        try {
            return Optional.of(IpAddress.parse(text).toBytes());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> tryJdk(String text) {
        try {
            return Optional.of(InetAddress.ofLiteral(text).getAddress());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The JDK turns IPv4-mapped IPv6 text into an IPv4 address; that is the same address. */
    private static void assertSameAddress(byte[] ours, byte[] jdk, String text) {
        if (ours.length == 16 && jdk.length == 4) {
            byte[] mappedPrefix = new byte[12];
            mappedPrefix[10] = (byte) 0xff;
            mappedPrefix[11] = (byte) 0xff;
            assertArrayEquals(mappedPrefix, Arrays.copyOf(ours, 12), text);
            assertArrayEquals(jdk, Arrays.copyOfRange(ours, 12, 16), text);
        } else {
            assertArrayEquals(jdk, ours, text);
        }
    }
}
