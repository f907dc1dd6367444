package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;

/**
 * AES-GCM as ESP uses it (RFC 4106): the nonce is the SA's 4-byte salt followed by the packet's 8-byte IV; the
 * additional authenticated data is the SPI and the sequence number, 8 bytes, or with extended sequence numbers the
 * SPI, the high half and the low half, 12 bytes (RFC 4106 §5); the ICV is 16 bytes right after the ciphertext.
 *
 * <p>One instance per SA and direction, used by one thread at a time. Per-packet calls never throw and never allocate
 * (the JDK implementation does allocate inside {@code Cipher.init}; see {@link EspCrypto}).
 */
sealed interface EspAead extends AutoCloseable permits OpenSslAead, JdkAead {

    /**
     * Encrypts {@code length} bytes at {@code offset} of {@code packet} in place and writes the ICV after them.
     *
     * @param sequence the packet's full (64-bit with ESN) sequence number, for the AAD
     * @param iv       the 8-byte explicit IV carried in the packet
     * @return false only if the crypto library failed (never for a well-formed call)
     */
    boolean seal(MemorySegment packet, long offset, int length, long sequence, long iv);

    /**
     * Decrypts {@code length} bytes at {@code offset} in place if the ICV after them verifies.
     *
     * @return false when the ICV does not verify; the bytes are then garbage and the packet must be dropped
     */
    boolean open(MemorySegment packet, long offset, int length, long sequence, long iv);

    @Override
    void close();

    static EspAead create(SecurityAssociation sa, EspCrypto crypto, boolean encrypt) {
        return create(crypto, sa.algorithm(), sa.keyBytes(), sa.saltBits(), sa.spi(), sa.extendedSequenceNumbers(), encrypt);
    }

    /** From the parts, without an SA's checks (test vectors use the reserved SPI 0). */
    static EspAead create(EspCrypto crypto, EspAlgorithm algorithm, byte[] key, int salt, int spi, boolean esn,
                          boolean encrypt) {
        return switch (crypto) {
            case OPENSSL -> new OpenSslAead(algorithm, key, salt, spi, esn, encrypt);
            case JDK -> new JdkAead(algorithm, key, salt, spi, esn, encrypt);
        };
    }
}
