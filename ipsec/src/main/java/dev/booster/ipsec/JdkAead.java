package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ESP's AES-GCM through the JDK's {@code AES/GCM/NoPadding}. The Cipher cannot take a new IV without a new
 * {@link GCMParameterSpec} and a full {@code init} (which also re-derives the hash key), so every packet allocates a
 * little; and it works on heap arrays or ByteBuffers, so the payload is copied out of packet memory and back. An ICV
 * that does not verify surfaces as an {@code AEADBadTagException}, caught here: the caller still sees {@code false}.
 */
final class JdkAead implements EspAead {
    private static final int MAX_PAYLOAD = 65536;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int mode;
    private final boolean esn;
    private final byte[] nonce = new byte[12];
    private final byte[] aad;
    private final byte[] in = new byte[MAX_PAYLOAD + EspAlgorithm.ICV_BYTES];
    private final byte[] out = new byte[MAX_PAYLOAD + EspAlgorithm.ICV_BYTES];
    private boolean closed;

    JdkAead(EspAlgorithm algorithm, byte[] keyBytes, int salt, int spi, boolean esn, boolean encrypt) {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("this JDK has no AES/GCM/NoPadding Cipher; choose EspCrypto.OPENSSL", e);
        }
        key = new SecretKeySpec(keyBytes, 0, algorithm.keyBytes(), "AES");
        mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        this.esn = esn;
        aad = new byte[esn ? 12 : 8];
        putInt(nonce, 0, salt);
        putInt(aad, 0, spi);
        try {
            // Fails now, not on the first packet, if the provider refuses the key. Decrypt mode, because an encrypt
            // init would make the JDK refuse the same IV on the first packet (its IV-reuse guard).
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("the JDK's AES-GCM refused the " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean seal(MemorySegment packet, long offset, int length, long sequence, long iv) {
        if (!fits(packet, offset, length)) return false;
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, offset, in, 0, length);
        if (!run(length, sequence, iv)) return false;
        MemorySegment.copy(out, 0, packet, ValueLayout.JAVA_BYTE, offset, length + EspAlgorithm.ICV_BYTES);
        return true;
    }

    @Override
    public boolean open(MemorySegment packet, long offset, int length, long sequence, long iv) {
        if (!fits(packet, offset, length)) return false;
        MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, offset, in, 0, length + EspAlgorithm.ICV_BYTES);
        if (!run(length + EspAlgorithm.ICV_BYTES, sequence, iv)) return false;
        MemorySegment.copy(out, 0, packet, ValueLayout.JAVA_BYTE, offset, length);
        return true;
    }

    private boolean run(int inputLength, long sequence, long iv) {
        putLong(nonce, 4, iv);
        if (esn) {
            putLong(aad, 4, sequence);
        } else {
            putInt(aad, 4, (int) sequence);
        }
        try {
            cipher.init(mode, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            cipher.doFinal(in, 0, inputLength, out, 0);
            return true;
        } catch (GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    private boolean fits(MemorySegment packet, long offset, int length) {
        return !closed && offset >= 0 && length >= 0 && length <= MAX_PAYLOAD
                && offset <= packet.byteSize() - length - EspAlgorithm.ICV_BYTES;
    }

    private static void putInt(byte[] to, int at, int value) {
        to[at] = (byte) (value >>> 24);
        to[at + 1] = (byte) (value >>> 16);
        to[at + 2] = (byte) (value >>> 8);
        to[at + 3] = (byte) value;
    }

    private static void putLong(byte[] to, int at, long value) {
        putInt(to, at, (int) (value >>> 32));
        putInt(to, at + 4, (int) value);
    }

    @Override
    public void close() {
        closed = true;
        Arrays.fill(in, (byte) 0);
        Arrays.fill(out, (byte) 0);
    }
}
