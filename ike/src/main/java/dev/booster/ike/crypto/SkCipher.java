package dev.booster.ike.crypto;

import dev.booster.ike.Encryption;
import dev.booster.ike.Integrity;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Protects the SK payload of one direction of an IKE SA (RFC 7296 §3.14; RFC 5282 for AES-GCM). A message is laid
 * out as: header and unencrypted payloads, the SK generic header at {@code skOffset}, the IV, the ciphertext (the
 * inner payloads, padding and the pad length byte), the ICV.
 */
public sealed interface SkCipher {

    int ivLength();

    int icvLength();

    /** The plaintext length for {@code innerLength} bytes of payloads: padding and the pad length byte included. */
    int plaintextLength(int innerLength);

    /**
     * Encrypts {@code plaintext} (already padded, see {@link #plaintextLength}) into {@code message}, whose bytes up to
     * and including the SK generic header are written, and appends the ICV.
     */
    void seal(byte[] message, int skOffset, byte[] plaintext);

    /** Checks the ICV and decrypts; returns the inner payloads without padding. */
    byte[] open(byte[] message, int length, int skOffset);

    static SkCipher of(Encryption encryption, Integrity integrity, byte[] encryptionKey, byte[] integrityKey, SecureRandom random) {
        return switch (encryption) {
            case AES_CBC -> new AesCbcHmac(Arrays.copyOf(encryptionKey, encryptionKey.length), integrity, integrityKey.clone(), random);
            case AES_GCM_16 -> new AesGcm16(Arrays.copyOf(encryptionKey, encryptionKey.length - 4),
                    Arrays.copyOfRange(encryptionKey, encryptionKey.length - 4, encryptionKey.length));
        };
    }

    private static byte[] unpad(byte[] plaintext) {
        if (plaintext.length == 0) throw new IntegrityCheckFailedException("SK payload decrypts to nothing");
        int padLength = plaintext[plaintext.length - 1] & 0xff;
        if (padLength + 1 > plaintext.length) throw new IntegrityCheckFailedException("SK pad length " + padLength + " exceeds the plaintext");
        return Arrays.copyOf(plaintext, plaintext.length - padLength - 1);
    }

    /** AES-CBC with an HMAC-SHA2 ICV over the whole message (encrypt-then-MAC). */
    final class AesCbcHmac implements SkCipher {
        private static final int BLOCK = 16;
        private final SecretKeySpec key;
        private final Integrity integrity;
        private final byte[] integrityKey;
        private final SecureRandom random;

        AesCbcHmac(byte[] key, Integrity integrity, byte[] integrityKey, SecureRandom random) {
            if (integrity == Integrity.NONE) throw new IllegalArgumentException("AES-CBC needs an integrity algorithm");
            this.key = new SecretKeySpec(key, "AES");
            this.integrity = integrity;
            this.integrityKey = integrityKey;
            this.random = random;
        }

        @Override
        public int ivLength() {
            return BLOCK;
        }

        @Override
        public int icvLength() {
            return integrity.icvLength();
        }

        @Override
        public int plaintextLength(int innerLength) {
            return (innerLength + 1 + BLOCK - 1) / BLOCK * BLOCK;
        }

        @Override
        public void seal(byte[] message, int skOffset, byte[] plaintext) {
            int ivOffset = skOffset + 4;
            byte[] iv = new byte[BLOCK];
            random.nextBytes(iv);
            System.arraycopy(iv, 0, message, ivOffset, BLOCK);
            try {
                Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                cipher.doFinal(plaintext, 0, plaintext.length, message, ivOffset + BLOCK);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CBC encryption failed", e);
            }
            int macEnd = ivOffset + BLOCK + plaintext.length;
            System.arraycopy(mac(message, macEnd), 0, message, macEnd, icvLength());
        }

        @Override
        public byte[] open(byte[] message, int length, int skOffset) {
            int ivOffset = skOffset + 4;
            int cipherLength = length - icvLength() - ivOffset - BLOCK;
            if (cipherLength < BLOCK || cipherLength % BLOCK != 0) {
                throw new IntegrityCheckFailedException("SK payload of " + (length - skOffset) + " bytes cannot hold AES-CBC ciphertext");
            }
            int macEnd = length - icvLength();
            byte[] expected = Arrays.copyOf(mac(message, macEnd), icvLength());
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(message, macEnd, length))) {
                throw new IntegrityCheckFailedException("SK payload ICV does not verify");
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(message, ivOffset, BLOCK));
                return unpad(cipher.doFinal(message, ivOffset + BLOCK, cipherLength));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-CBC decryption failed", e);
            }
        }

        private byte[] mac(byte[] message, int end) {
            Mac mac = Prf.mac(integrity.jcaName(), integrityKey);
            mac.update(message, 0, end);
            return mac.doFinal();
        }
    }

    /** AES-GCM with a 16-byte tag, nonce = 4-byte salt | 8-byte explicit IV, the headers as AAD (RFC 5282). */
    final class AesGcm16 implements SkCipher {
        private static final int IV = 8;
        private static final int TAG = 16;
        private final SecretKeySpec key;
        private final byte[] salt;
        /** The explicit IV must never repeat under one key; a counter guarantees it where random IVs only make it likely. */
        private long nextIv;

        AesGcm16(byte[] key, byte[] salt) {
            this.key = new SecretKeySpec(key, "AES");
            this.salt = salt;
        }

        @Override
        public int ivLength() {
            return IV;
        }

        @Override
        public int icvLength() {
            return TAG;
        }

        @Override
        public int plaintextLength(int innerLength) {
            return innerLength + 1;
        }

        @Override
        public void seal(byte[] message, int skOffset, byte[] plaintext) {
            int ivOffset = skOffset + 4;
            long iv = nextIv++;
            for (int i = 0; i < IV; i++) message[ivOffset + i] = (byte) (iv >>> (56 - 8 * i));
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(message, ivOffset)));
                cipher.updateAAD(message, 0, ivOffset);
                cipher.doFinal(plaintext, 0, plaintext.length, message, ivOffset + IV);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM encryption failed", e);
            }
        }

        @Override
        public byte[] open(byte[] message, int length, int skOffset) {
            int ivOffset = skOffset + 4;
            int sealedLength = length - ivOffset - IV;
            if (sealedLength < TAG + 1) throw new IntegrityCheckFailedException("SK payload of " + (length - skOffset) + " bytes cannot hold AES-GCM data");
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(message, ivOffset)));
                cipher.updateAAD(message, 0, ivOffset);
                return unpad(cipher.doFinal(message, ivOffset + IV, sealedLength));
            } catch (AEADBadTagException e) {
                throw new IntegrityCheckFailedException("SK payload ICV does not verify");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM decryption failed", e);
            }
        }

        private byte[] nonce(byte[] message, int ivOffset) {
            byte[] nonce = new byte[salt.length + IV];
            System.arraycopy(salt, 0, nonce, 0, salt.length);
            System.arraycopy(message, ivOffset, nonce, salt.length, IV);
            return nonce;
        }
    }
}
