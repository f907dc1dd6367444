package dev.booster.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Key material or a shared secret. It never shows itself: {@link #toString()} prints only its length, and JSON
 * writers print a redaction marker, so logs, exceptions and dumps do not leak it.
 */
public final class Secret {
    private final byte[] value;

    private Secret(byte[] value) {
        this.value = value;
    }

    public static Secret ofBytes(byte[] value) {
        if (value == null || value.length == 0) throw new IllegalArgumentException("a secret must not be empty");
        return new Secret(value.clone());
    }

    public static Secret ofString(String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("a secret must not be empty");
        return new Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses hex text, optionally prefixed with {@code 0x}, as used for static IPsec keys. */
    public static Secret ofHex(String hex) {
        String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        try {
            return ofBytes(java.util.HexFormat.of().parseHex(h));
        } catch (IllegalArgumentException e) {
            // Do not echo the input: it is key material.
            throw new IllegalArgumentException("key is not valid hex (" + h.length() + " characters; need an even number of 0-9a-f)");
        }
    }

    public int length() {
        return value.length;
    }

    /** Lends the bytes to {@code use} without handing out the array for keeps. */
    public <T> T apply(Function<byte[], T> use) {
        byte[] copy = value.clone();
        try {
            return use.apply(copy);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
    }

    /** A copy of the bytes; the caller should clear it when done. */
    public byte[] bytes() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(value, s.value);
    }

    @Override
    public int hashCode() {
        return value.length;
    }

    @Override
    public String toString() {
        return "Secret[" + value.length + " bytes, redacted]";
    }
}
