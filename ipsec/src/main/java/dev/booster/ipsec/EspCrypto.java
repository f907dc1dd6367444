package dev.booster.ipsec;

import dev.booster.ipsec.ffi.Libcrypto;

/**
 * Which AES-GCM implementation an SA uses. Both produce the same bytes (the known-answer tests run both).
 *
 * <p>{@link #OPENSSL} is the default because it measured faster on every size and allocates nothing per packet;
 * see {@link #preferred()} for the numbers.
 */
public enum EspCrypto {
    /** OpenSSL 3's libcrypto through FFM: one reused {@code EVP_CIPHER_CTX} per SA, no allocation per packet. */
    OPENSSL,
    /** The JDK's {@code AES/GCM/NoPadding} Cipher (AES-NI and carry-less-multiply intrinsics); allocates per packet. */
    JDK;

    /**
     * {@link #OPENSSL} when libcrypto loads, else {@link #JDK}.
     *
     * <p>Measured with {@code bench/esp-vs-openssl.sh} (EspBenchmark, one core of a 2-vCPU Zen 5 VM, JDK 25,
     * OpenSSL 3.0): see docs/benchmarks.md, "IPsec ESP", for the table this choice rests on.
     */
    public static EspCrypto preferred() {
        return Libcrypto.unavailableReason().isEmpty() ? OPENSSL : JDK;
    }
}
