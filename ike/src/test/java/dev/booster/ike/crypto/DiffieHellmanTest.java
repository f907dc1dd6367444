package dev.booster.ike.crypto;

import dev.booster.ike.DhGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffieHellmanTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void bothSidesAgreeOnAFixedLengthSecret(DhGroup group) {
        DiffieHellman a = DiffieHellman.generate(group, RANDOM);
        DiffieHellman b = DiffieHellman.generate(group, RANDOM);
        assertEquals(group.publicValueLength(), a.publicValue().length);
        byte[] ab = a.sharedSecret(b.publicValue());
        assertArrayEquals(ab, b.sharedSecret(a.publicValue()));
        assertEquals(group == DhGroup.MODP_2048 ? 256 : 32, ab.length);
    }

    /** RFC 7748 §6.1: Alice's private key with Bob's public key gives the published shared secret. */
    @Test
    void x25519MatchesRfc7748() throws Exception {
        byte[] alicePrivate = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        PrivateKey key = KeyFactory.getInstance("XDH").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, alicePrivate));
        DiffieHellman alice = DiffieHellman.of(DhGroup.CURVE25519, key, alicePublic);
        assertArrayEquals(HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"), alice.sharedSecret(bobPublic));
        byte[] basePoint = new byte[32];
        basePoint[0] = 9;
        assertArrayEquals(alicePublic, alice.sharedSecret(basePoint), "X25519(k, 9) is the public key, little-endian as on the wire");
    }

    /** RFC 5903 §8.1: the initiator's private key with the responder's KE data gives g^ir's x coordinate. */
    @Test
    void ecp256MatchesRfc5903() throws Exception {
        BigInteger i = new BigInteger("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433", 16);
        byte[] gi = HEX.parseHex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
                + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
        byte[] gr = HEX.parseHex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
                + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(i, DiffieHellman.p256()));
        DiffieHellman initiator = DiffieHellman.of(DhGroup.ECP_256, key, gi);
        assertArrayEquals(HEX.parseHex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"), initiator.sharedSecret(gr));
    }

    @Test
    void modp2048IsTheSafePrimeOfRfc3526() {
        BigInteger p = DiffieHellman.MODP_2048_PRIME;
        assertEquals(2048, p.bitLength());
        assertTrue(p.isProbablePrime(20), "p is prime");
        assertTrue(p.shiftRight(1).isProbablePrime(20), "(p-1)/2 is prime: a single wrong digit would break this");
    }

    @Test
    void badPeerValuesAreRefusedWithAReason() {
        DiffieHellman ecp = DiffieHellman.generate(DhGroup.ECP_256, RANDOM);
        byte[] offCurve = ecp.publicValue();
        offCurve[63] ^= 1;
        assertTrue(assertThrows(InvalidKeyExchangeException.class, () -> ecp.sharedSecret(offCurve)).getMessage().contains("not a point"));
        assertThrows(InvalidKeyExchangeException.class, () -> ecp.sharedSecret(new byte[63]));
        DiffieHellman modp = DiffieHellman.generate(DhGroup.MODP_2048, RANDOM);
        byte[] one = new byte[256];
        one[255] = 1;
        assertThrows(InvalidKeyExchangeException.class, () -> modp.sharedSecret(one));
        DiffieHellman x = DiffieHellman.generate(DhGroup.CURVE25519, RANDOM);
        assertThrows(InvalidKeyExchangeException.class, () -> x.sharedSecret(new byte[32]), "the all-zero point has small order");
    }
}
