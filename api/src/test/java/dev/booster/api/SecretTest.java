package dev.booster.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretTest {

    @Test
    void toStringShowsOnlyTheLength() {
        Secret s = Secret.ofString("correct horse battery staple");
        String text = s.toString();
        assertEquals("Secret[28 bytes, redacted]", text);
        assertFalse(text.contains("horse"));
        assertFalse(text.contains(HexFormat.of().formatHex(s.bytes())));
        assertFalse(String.valueOf(Secret.ofHex("deadbeef")).toLowerCase().contains("deadbeef"));
    }

    @Test
    void bytesAreCopiesAndLendingClearsThem() {
        byte[] input = {1, 2, 3};
        Secret s = Secret.ofBytes(input);
        input[0] = 9;
        assertArrayEquals(new byte[]{1, 2, 3}, s.bytes(), "the secret keeps its own copy");
        s.bytes()[1] = 9;
        assertArrayEquals(new byte[]{1, 2, 3}, s.bytes(), "callers get copies");
        byte[][] lent = new byte[1][];
        int sum = s.apply(b -> {
            lent[0] = b;
            return b[0] + b[1] + b[2];
        });
        assertEquals(6, sum);
        assertArrayEquals(new byte[3], lent[0], "the lent copy is wiped afterwards");
    }

    @Test
    void textAndHex() {
        assertArrayEquals("pässword".getBytes(StandardCharsets.UTF_8), Secret.ofString("pässword").bytes());
        assertEquals(Secret.ofHex("00ff10"), Secret.ofHex("0x00FF10"));
        assertEquals(3, Secret.ofHex("00ff10").length());
        assertNotEquals(Secret.ofHex("00ff10"), Secret.ofHex("00ff11"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Secret.ofHex("s3cr3tkey"));
        assertEquals("key is not valid hex (9 characters; need an even number of 0-9a-f)", bad.getMessage());
        assertFalse(bad.getMessage().contains("s3cr3t"), "the message does not echo key material");
        assertThrows(IllegalArgumentException.class, () -> Secret.ofString(""));
        assertThrows(IllegalArgumentException.class, () -> Secret.ofBytes(new byte[0]));
    }
}
