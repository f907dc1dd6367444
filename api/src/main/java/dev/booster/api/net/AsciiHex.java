package dev.booster.api.net;

/**
 * Hex digits as address literals allow them: ASCII only. {@link Character#digit(char, int)} also accepts fullwidth and
 * other Unicode digits, which would let {@code "２００１:db8::1"} through as an address.
 */
final class AsciiHex {
    private AsciiHex() {
    }

    /** The value of {@code c} as a hex digit, or -1. */
    static int value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
