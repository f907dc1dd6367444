package dev.booster.ipsec;

import dev.booster.ipsec.ffi.Libcrypto;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * ESP's AES-GCM through libcrypto: one {@code EVP_CIPHER_CTX} keyed once per SA, then per packet five calls on it (a
 * new IV, the AAD, the payload in place, final, get or set the tag), with the nonce, AAD and output-length scratch in
 * one small native block of the SA's own. No allocation per packet; no thread-state transition per call.
 */
final class OpenSslAead implements EspAead {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final long NONCE = 0;      // salt (4) || IV (8)
    private static final long AAD = 16;       // SPI (4) || [sequence high (4)] || sequence low (4)
    private static final long OUT_LENGTH = 32; // EVP's int *outl, written and ignored (GCM output = input)

    private final Libcrypto libcrypto = Libcrypto.load();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(64, 16);
    private final long scratchAddress = scratch.address();
    private final boolean esn;
    private final int aadLength;
    private final MemorySegment context;
    private long ctx;

    OpenSslAead(EspAlgorithm algorithm, byte[] keyBytes, int salt, int spi, boolean esn, boolean encrypt) {
        this.esn = esn;
        aadLength = esn ? 12 : 8;
        scratch.set(U32, NONCE, salt);
        scratch.set(U32, AAD, spi);
        MemorySegment cipher = libcrypto.cipherFetch(algorithm.opensslName());
        MemorySegment created = MemorySegment.NULL;
        try (Arena keyArena = Arena.ofConfined()) {
            created = libcrypto.cipherCtxNew();
            MemorySegment key = keyArena.allocate(algorithm.keyBytes());
            MemorySegment.copy(keyBytes, 0, key, ValueLayout.JAVA_BYTE, 0, algorithm.keyBytes());
            try {
                libcrypto.cipherInitKey(created, cipher, key, encrypt);
            } finally {
                key.fill((byte) 0);
            }
        } catch (RuntimeException e) {
            if (!created.equals(MemorySegment.NULL)) libcrypto.cipherCtxFree(created);
            arena.close();
            throw e;
        } finally {
            libcrypto.cipherFree(cipher);
        }
        context = created;
        ctx = created.address();
    }

    @Override
    public boolean seal(MemorySegment packet, long offset, int length, long sequence, long iv) {
        long data = address(packet, offset, length);
        if (data == 0) return false;
        setNonceAndAad(sequence, iv);
        long outl = scratchAddress + OUT_LENGTH;
        int ok = libcrypto.cipherInitIv(ctx, scratchAddress + NONCE)
                & libcrypto.cipherUpdate(ctx, 0, outl, scratchAddress + AAD, aadLength);
        if (length > 0) ok &= libcrypto.cipherUpdate(ctx, data, outl, data, length);
        ok &= libcrypto.cipherFinal(ctx, data + length, outl);
        ok &= libcrypto.cipherCtxCtrl(ctx, Libcrypto.EVP_CTRL_AEAD_GET_TAG, EspAlgorithm.ICV_BYTES, data + length);
        return ok == 1;
    }

    @Override
    public boolean open(MemorySegment packet, long offset, int length, long sequence, long iv) {
        long data = address(packet, offset, length);
        if (data == 0) return false;
        setNonceAndAad(sequence, iv);
        long outl = scratchAddress + OUT_LENGTH;
        int ok = libcrypto.cipherInitIv(ctx, scratchAddress + NONCE)
                & libcrypto.cipherUpdate(ctx, 0, outl, scratchAddress + AAD, aadLength);
        if (length > 0) ok &= libcrypto.cipherUpdate(ctx, data, outl, data, length);
        ok &= libcrypto.cipherCtxCtrl(ctx, Libcrypto.EVP_CTRL_AEAD_SET_TAG, EspAlgorithm.ICV_BYTES, data + length);
        // Final is the tag check: call it even when an earlier step failed, so no state leaks into the next packet.
        ok &= libcrypto.cipherFinal(ctx, data + length, outl);
        return ok == 1;
    }

    private void setNonceAndAad(long sequence, long iv) {
        scratch.set(U64, NONCE + 4, iv);
        if (esn) {
            scratch.set(U64, AAD + 4, sequence);
        } else {
            scratch.set(U32, AAD + 4, (int) sequence);
        }
    }

    /** The native address of the payload, or 0 when the SA is closed or the payload and ICV leave the segment. */
    private long address(MemorySegment packet, long offset, int length) {
        if (ctx == 0 || offset < 0 || length < 0
                || offset > packet.byteSize() - length - EspAlgorithm.ICV_BYTES || !packet.isNative()) {
            return 0;
        }
        return packet.address() + offset;
    }

    @Override
    public void close() {
        if (ctx == 0) return;
        ctx = 0;
        libcrypto.cipherCtxFree(context);
        arena.close();
    }
}
