package dev.booster.ipsec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityAssociationTest {
    private static final byte[] KEY16 = new byte[16];
    private static final byte[] SALT = {1, 2, 3, 4};

    @Test
    void errorsNameTheFieldAndTheFix() {
        assertMessage("SecurityAssociation.spi 255 is reserved", () -> sa(255, KEY16, SALT, 64));
        assertMessage("SecurityAssociation.key must be 16 bytes for AES_GCM_16_128, not 32 bytes",
                () -> sa(0x1000, new byte[32], SALT, 64));
        assertMessage("SecurityAssociation.salt must be 4 bytes", () -> sa(0x1000, KEY16, new byte[3], 64));
        assertMessage("SecurityAssociation.replayWindow must be 64 to 65536 packets, not 32",
                () -> sa(0x1000, KEY16, SALT, 32));
        assertMessage("SecurityAssociation.tunnel must be set", () -> new SecurityAssociation(0x1000,
                EspAlgorithm.AES_GCM_16_128, KEY16, SALT, false, 64, null));
        assertMessage("TunnelEndpoints.destination 2001:db8:0:0:0:0:0:1 must be of the same family",
                () -> TestSas.endpoints("192.0.2.1", "2001:db8::1"));
        assertMessage("keyMaterial must be 36 bytes for AES_GCM_16_256 (key then 4-byte salt), not 32 bytes",
                () -> SecurityAssociation.fromKeyMaterial(0x1000, EspAlgorithm.AES_GCM_16_256, new byte[32], true, TestSas.V4));
    }

    @Test
    void spisAboveTwoToThe31AreValid() {
        assertEquals(0xfffffffe, sa(0xfffffffe, KEY16, SALT, 64).spi());
    }

    @Test
    void keyMaterialSplitsIntoKeyThenSalt() {
        byte[] material = new byte[36];
        for (int i = 0; i < material.length; i++) material[i] = (byte) i;
        SecurityAssociation sa = SecurityAssociation.fromKeyMaterial(0x1234, EspAlgorithm.AES_GCM_16_256, material, true, TestSas.V6);
        assertArrayEquals(java.util.Arrays.copyOf(material, 32), sa.key());
        assertArrayEquals(new byte[]{32, 33, 34, 35}, sa.salt());
        assertEquals(SecurityAssociation.DEFAULT_REPLAY_WINDOW, sa.replayWindow());
        assertEquals(0x20212223, sa.saltBits());
    }

    @Test
    void isImmutableAndNeverPrintsTheKey() {
        byte[] key = new byte[16];
        key[0] = 0x5a;
        SecurityAssociation sa = sa(0xc0ffee, key, SALT, 64);
        key[0] = 0;
        sa.key()[0] = 0;
        assertEquals(0x5a, sa.key()[0]);
        assertNotSame(sa.key(), sa.key());
        assertEquals(sa, sa(0xc0ffee, sa.key(), SALT, 64));
        assertFalse(sa.equals(sa(0xc0ffee, KEY16, SALT, 64)));
        String text = sa.toString();
        assertTrue(text.contains("spi=0x00c0ffee"), text);
        assertTrue(text.contains("key=(hidden)") && !text.contains("5a") && !text.contains("90"), text);
    }

    @Test
    void inboundTableFindsEverySpiAndRefusesDuplicates() {
        List<EspDecryptor> decryptors = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) decryptors.add(EspDecryptor.open(sa(0x1000 + i * 0x10000, KEY16, SALT, 64), EspCrypto.JDK));
        EspInbound inbound = EspInbound.of(decryptors);
        for (EspDecryptor d : decryptors) assertSame(d, inbound.find(d.sa().spi()));
        assertNull(inbound.find(0x999));
        EspInbound smaller = inbound.without(0x1000);
        assertNull(smaller.find(0x1000));
        assertSame(decryptors.get(1), smaller.find(0x11000));
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () -> inbound.with(decryptors.getFirst()));
        assertTrue(duplicate.getMessage().contains("two inbound SAs have SPI 0x1000"), duplicate.getMessage());
        decryptors.forEach(EspDecryptor::close);
    }

    @Test
    void dropCodesMapBackToReasons() {
        for (EspDrop reason : EspDrop.values()) {
            assertTrue(reason.code() < 0);
            assertEquals(reason, EspDrop.of(reason.code()));
        }
        assertEquals("bad-spi", EspDrop.BAD_SPI.reasonName());
        assertThrows(IllegalArgumentException.class, () -> EspDrop.of(0));
    }

    private static SecurityAssociation sa(int spi, byte[] key, byte[] salt, int window) {
        return new SecurityAssociation(spi, EspAlgorithm.AES_GCM_16_128, key, salt, false, window, TestSas.V4);
    }

    private static void assertMessage(String expectedStart, org.junit.jupiter.api.function.Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
