package dev.booster.ipsec;

import dev.booster.ipsec.ffi.Libcrypto;

/**
 * Which AES-GCM implementation an SA uses. Both produce the same bytes (the known-answer tests run both).
 *
 * <p>{@link #OPENSSL} is the default because it measured faster in every configuration and allocates nothing per
 * packet. bench/esp-vs-openssl.sh (EspCpuTime, Gbit/s of payload per process CPU-second, GC included; one core of a
 * 2-vCPU Zen 5 VM, JDK 25.0.3, OpenSSL 3.0.19; docs/benchmarks.md, "IPsec ESP"):
 * <pre>
 *                      encrypt           encrypt+decrypt
 *                      OPENSSL   JDK     OPENSSL   JDK
 *   AES-128-GCM   64      1.86  0.07*       0.85  0.68
 *                512      9.89  9.03        4.55  4.37
 *               1400     18.53 16.10        8.21  7.57
 *   AES-256-GCM   64      1.68  1.09        0.78  0.64
 *                512      9.37  7.89        4.06  3.98
 *               1400     16.15 15.62        7.13  6.63
 *   (* JIT warm-up of the JDK's GCM code counted in the first JDK configuration)
 * </pre>
 * The JDK path allocates 2,104 bytes per encrypt+decrypt ({@code Cipher.init} with a new {@code GCMParameterSpec}
 * per packet, the only way to give it a new IV) and copies the payload between packet memory and heap arrays; the
 * OpenSSL path allocates nothing (AllocationTest).
 */
public enum EspCrypto {
    /** OpenSSL 3's libcrypto through FFM: one reused {@code EVP_CIPHER_CTX} per SA, no allocation per packet. */
    OPENSSL,
    /** The JDK's {@code AES/GCM/NoPadding} Cipher (AES-NI and carry-less-multiply intrinsics); allocates per packet. */
    JDK;

    /** {@link #OPENSSL} when libcrypto loads, else {@link #JDK}. */
    public static EspCrypto preferred() {
        return Libcrypto.unavailableReason().isEmpty() ? OPENSSL : JDK;
    }
}
