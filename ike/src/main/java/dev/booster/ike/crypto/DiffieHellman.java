package dev.booster.ike.crypto;

import dev.booster.ike.DhGroup;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;

/**
 * One side of a key exchange in an IKEv2 group: a fresh key pair, its public value in the KE payload's encoding, and
 * the shared secret g^ir from the peer's value, encoded as RFC 7296/5903/8031 want it (fixed length).
 */
public final class DiffieHellman {
    /** RFC 3526 group 14: the 2048-bit MODP prime, generator 2. */
    static final BigInteger MODP_2048_PRIME = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
            + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
            + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
            + "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
            + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
            + "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16);
    private static final DHParameterSpec MODP_2048 = new DHParameterSpec(MODP_2048_PRIME, BigInteger.TWO);

    private final DhGroup group;
    private final PrivateKey privateKey;
    private final byte[] publicValue;

    private DiffieHellman(DhGroup group, PrivateKey privateKey, byte[] publicValue) {
        this.group = group;
        this.privateKey = privateKey;
        this.publicValue = publicValue;
    }

    /** A fresh key pair in {@code group}. */
    public static DiffieHellman generate(DhGroup group, SecureRandom random) {
        try {
            KeyPair pair = switch (group) {
                case MODP_2048 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("DH");
                    generator.initialize(MODP_2048, random);
                    yield generator.generateKeyPair();
                }
                case ECP_256 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                    yield generator.generateKeyPair();
                }
                case CURVE25519 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
                    generator.initialize(NamedParameterSpec.X25519, random);
                    yield generator.generateKeyPair();
                }
            };
            return new DiffieHellman(group, pair.getPrivate(), encodePublic(group, pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate a " + group + " key pair", e);
        }
    }

    /** For known-answer tests: a fixed private key whose public value is given. */
    static DiffieHellman of(DhGroup group, PrivateKey privateKey, byte[] publicValue) {
        return new DiffieHellman(group, privateKey, publicValue.clone());
    }

    public DhGroup group() {
        return group;
    }

    /** The KE payload data: exactly {@link DhGroup#publicValueLength()} bytes. */
    public byte[] publicValue() {
        return publicValue.clone();
    }

    /** g^ir from the peer's KE data; throws {@link InvalidKeyExchangeException} when the value is not acceptable. */
    public byte[] sharedSecret(byte[] peerValue) {
        if (peerValue.length != group.publicValueLength()) {
            throw new InvalidKeyExchangeException(group + " public value has " + peerValue.length + " bytes, not " + group.publicValueLength());
        }
        PublicKey peer = decodePublic(peerValue);
        try {
            KeyAgreement agreement = KeyAgreement.getInstance(switch (group) {
                case MODP_2048 -> "DH";
                case ECP_256 -> "ECDH";
                case CURVE25519 -> "X25519";
            });
            agreement.init(privateKey);
            agreement.doPhase(peer, true);
            byte[] secret = agreement.generateSecret();
            int expected = group == DhGroup.MODP_2048 ? 256 : 32;
            return leftPad(secret, expected);
        } catch (java.security.InvalidKeyException e) {
            throw new InvalidKeyExchangeException("the peer's " + group + " public value is not acceptable: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot agree on a " + group + " key", e);
        }
    }

    private PublicKey decodePublic(byte[] value) {
        try {
            return switch (group) {
                case MODP_2048 -> {
                    BigInteger y = new BigInteger(1, value);
                    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(MODP_2048_PRIME.subtract(BigInteger.ONE)) >= 0) {
                        throw new InvalidKeyExchangeException("MODP_2048 public value is outside 2..p-2");
                    }
                    yield KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, MODP_2048_PRIME, BigInteger.TWO));
                }
                case ECP_256 -> {
                    ECParameterSpec params = p256();
                    BigInteger x = new BigInteger(1, value, 0, 32);
                    BigInteger y = new BigInteger(1, value, 32, 32);
                    if (!onCurve(params, x, y)) throw new InvalidKeyExchangeException("ECP_256 public value is not a point on P-256");
                    yield KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
                }
                case CURVE25519 -> {
                    byte[] bigEndian = new byte[32];
                    for (int i = 0; i < 32; i++) bigEndian[i] = value[31 - i];
                    bigEndian[0] &= 0x7f; // RFC 7748 §5: the most significant bit of the u-coordinate is ignored
                    yield KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
                }
            };
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new InvalidKeyExchangeException("the peer's " + group + " public value is not acceptable: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot decode a " + group + " public key", e);
        }
    }

    private static byte[] encodePublic(DhGroup group, PublicKey key) {
        return switch (group) {
            case MODP_2048 -> leftPad(((DHPublicKey) key).getY().toByteArray(), 256);
            case ECP_256 -> {
                ECPoint w = ((ECPublicKey) key).getW();
                byte[] out = new byte[64];
                System.arraycopy(leftPad(w.getAffineX().toByteArray(), 32), 0, out, 0, 32);
                System.arraycopy(leftPad(w.getAffineY().toByteArray(), 32), 0, out, 32, 32);
                yield out;
            }
            case CURVE25519 -> {
                byte[] bigEndian = leftPad(((XECPublicKey) key).getU().toByteArray(), 32);
                byte[] littleEndian = new byte[32];
                for (int i = 0; i < 32; i++) littleEndian[i] = bigEndian[31 - i];
                yield littleEndian;
            }
        };
    }

    static ECParameterSpec p256() throws GeneralSecurityException {
        java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    private static boolean onCurve(ECParameterSpec params, BigInteger x, BigInteger y) {
        BigInteger p = ((java.security.spec.ECFieldFp) params.getCurve().getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) return false;
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
        return left.equals(right);
    }

    /** Big-endian {@code value} (maybe with a sign byte, maybe short) as exactly {@code length} bytes. */
    static byte[] leftPad(byte[] value, int length) {
        int start = 0;
        while (value.length - start > length && value[start] == 0) start++;
        if (value.length - start > length) {
            throw new IllegalStateException("value of " + (value.length - start) + " bytes does not fit " + length);
        }
        byte[] out = new byte[length];
        System.arraycopy(value, start, out, length - (value.length - start), value.length - start);
        return out;
    }
}
