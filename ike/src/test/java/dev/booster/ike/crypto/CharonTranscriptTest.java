package dev.booster.ike.crypto;

import dev.booster.ike.IkeProposal;
import dev.booster.ike.PseudoRandomFunction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Known answers from a real exchange: strongSwan 5.9.8's charon (Debian bookworm) negotiated
 * aes256gcm16-prfsha256-curve25519 with PSK "test-psk-0123456789" and ESP aes256gcm16, logging its secrets at level 4.
 * RFC 7296 publishes no test vectors; these tie Booster's SKEYSEED, prf+, AUTH and KEYMAT to an independent
 * implementation byte for byte.
 */
class CharonTranscriptTest {
    private static final Prf PRF = new Prf(PseudoRandomFunction.HMAC_SHA2_256);
    private static final long SPI_I = 0xb487bba96fad9fdcL;
    private static final long SPI_R = 0x57cdc0dab35c7259L;
    private static final byte[] PSK = "test-psk-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GIR = hex("0ef9815f21dd8425f975aa1760043b5af753be109ce3a40729ba0849c108b77e");
    private static final byte[] NI = hex("f2f0d0e3027e96c2d0eab34d283cb5a38425a226f3428631e482c8e78ea9b9f7");
    private static final byte[] NR = hex("b4acb24854d0f7581818f088f060d4dfc4d581545c6251ae7d935b98ceb02902");
    private static final byte[] SKEYSEED = hex("de151b5ee83ecf2b0f5a24a9dabd7feb49f1cb1f7c33a03b656885e0c154aeed");
    private static final byte[] SK_D = hex("b249ad93db79b6a7747d4f58a34461eb79a725a8c7f3a4d85b4965105359b1aa");
    private static final byte[] SK_EI = hex("2558de1a535858abceff4ef628fcb077439b9986fa7fa5dc6eade53f516585e8ae9c43d6");
    private static final byte[] SK_ER = hex("1638f98951db03ad06e6e8193f27af70b020c6988d60b56cc8ba55507649a2f19ecf3dde");
    private static final byte[] SK_PI = hex("1ca1b800e0d83e5e9a7f61b32a7249d37fd4e04f81cb06731d8a4b9415b0dec8");
    private static final byte[] SK_PR = hex("7e39bcac1866cb34a37d693d7550331521210e4638a8bf01b2542056feaaf07b");
    private static final byte[] IKE_SA_INIT_REQUEST = hex("b487bba96fad9fdc00000000000000002120220800000000000000e82200002800000024010100030300000c01000014"
            + "800e01000300000802000005000000080400001f28000028001f0000f3b0579eb1563e2b4f7209df8f9e4047b61fff2c"
            + "cd6c7974b29ea30dac641e3229000024f2f0d0e3027e96c2d0eab34d283cb5a38425a226f3428631e482c8e78ea9b9f7"
            + "2900001c0000400407b62465bb5403fb86b2e13bb442e0a0c3a5b2b62900001c0000400512c08fc7a32b95bdb574530a"
            + "38bb3491a35beb9e290000080000402e290000100000402f00020003000400050000000800004016");
    private static final byte[] IKE_SA_INIT_RESPONSE = hex("b487bba96fad9fdc57cdc0dab35c72592120222000000000000000f02200002800000024010100030300000c01000014"
            + "800e01000300000802000005000000080400001f28000028001f00000fef675948ec2709c16729e7daac79789a084277"
            + "58b93c5c0652ea7861575f3d29000024b4acb24854d0f7581818f088f060d4dfc4d581545c6251ae7d935b98ceb02902"
            + "2900001c00004004679a09b923bf1a51846074b69b7b712856d44f022900001c00004005b79f1d1e694b932550b74ede"
            + "2ef6f69f5ea82f2a290000080000402e290000100000402f000200030004000529000008000040220000000800004014");
    /** ID payload bodies: ID_IPV4_ADDR 192.0.2.1 and 192.0.2.2. */
    private static final byte[] IDI_BODY = hex("01000000c0000201");
    private static final byte[] IDR_BODY = hex("01000000c0000202");
    private static final byte[] AUTH_I = hex("ffee642ab5f13d48fae0bdbe848e9f7099106c5d0db1a0a490f3900139a71cc6");
    private static final byte[] AUTH_R = hex("e4b0ee0ae429f9c0ade2fa803a5134c9f16b6837e7169c558cf705a2784e7e16");
    private static final byte[] CHILD_KEY_I2R = hex("c1479aeb2aa108020feb936376100a0910571f7db29577d1a28e802131c467cb3a7a41a6");
    private static final byte[] CHILD_KEY_R2I = hex("e981183c68bcf05f72c74c7ebd34937ee24fba7bb9cd71393fe14fc24d98ef1c7b3d574f");

    @Test
    void skeyseedIsPrfOfTheNoncesOverTheSharedSecret() {
        assertArrayEquals(SKEYSEED, IkeSaKeys.skeyseed(PRF, NI, NR, GIR));
    }

    @Test
    void ikeSaKeysComeFromPrfPlusAsCharonDerivesThem() {
        IkeSaKeys keys = IkeSaKeys.derive(IkeProposal.AES_GCM_16_256_SHA256_X25519, SKEYSEED, NI, NR, SPI_I, SPI_R);
        assertArrayEquals(SK_D, keys.skD());
        assertEquals(0, keys.skAi().length, "AES-GCM has no integrity keys");
        assertEquals(0, keys.skAr().length);
        assertArrayEquals(SK_EI, keys.skEi(), "SK_ei with its 4-byte salt");
        assertArrayEquals(SK_ER, keys.skEr());
        assertArrayEquals(SK_PI, keys.skPi());
        assertArrayEquals(SK_PR, keys.skPr());
    }

    @Test
    void pskAuthOfBothSidesMatchesCharon() {
        assertArrayEquals(AUTH_I, PskAuth.compute(PRF, PSK, IKE_SA_INIT_REQUEST, NR, SK_PI, IDI_BODY));
        assertArrayEquals(AUTH_R, PskAuth.compute(PRF, PSK, IKE_SA_INIT_RESPONSE, NI, SK_PR, IDR_BODY));
    }

    @Test
    void firstChildSaKeysMatchCharon() {
        ChildKeys keys = ChildKeys.derive(PRF, SK_D, null, NI, NR, 32 + 4, 0);
        assertArrayEquals(CHILD_KEY_I2R, keys.initiatorToResponderEncryption());
        assertArrayEquals(CHILD_KEY_R2I, keys.responderToInitiatorEncryption());
        assertEquals(0, keys.initiatorToResponderIntegrity().length);
    }

    @Test
    void aWrongPskGivesADifferentAuth() {
        byte[] wrong = "test-psk-0123456780".getBytes(StandardCharsets.US_ASCII);
        assertEquals(false, PskAuth.verify(AUTH_I, PskAuth.compute(PRF, wrong, IKE_SA_INIT_REQUEST, NR, SK_PI, IDI_BODY)));
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }
}
