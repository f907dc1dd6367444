package dev.booster.ipsec.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Bindings to OpenSSL 3's libcrypto ({@code libcrypto.so.3}, Debian package {@code libssl3}): the EVP cipher calls
 * that AES-GCM needs, nothing else.
 *
 * <p>The per-packet calls ({@code EVP_CipherInit_ex2}, {@code EVP_CipherUpdate}, {@code EVP_CipherFinal_ex},
 * {@code EVP_CIPHER_CTX_ctrl}) are linked as <em>critical</em> (no thread-state transition: they neither block nor
 * call back) and take their pointers as {@code long} addresses. On x86-64 and AArch64 a pointer and a 64-bit integer
 * travel in the same register, so the C side sees the same call; the Java side then needs no {@link MemorySegment}
 * per argument, which is what keeps a packet's encryption free of allocation. The setup calls take segments as usual.
 *
 * <p>{@link #load()} loads the library once; when it is missing, every call says which package to install.
 */
@SuppressWarnings("restricted") // loading a library and linking to it is what this class is for
public final class Libcrypto {
    public static final String SONAME = "libcrypto.so.3";
    public static final String DEBIAN_PACKAGE = "libssl3";

    // <openssl/core_names.h>, <openssl/evp.h>
    public static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    public static final int EVP_CTRL_AEAD_SET_TAG = 0x11;

    private static Libcrypto instance;
    private static LibcryptoUnavailableException failure;

    // EVP_CIPHER *EVP_CIPHER_fetch(OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties);
    private final MethodHandle evpCipherFetch;
    // void EVP_CIPHER_free(EVP_CIPHER *cipher);
    private final MethodHandle evpCipherFree;
    // EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);
    private final MethodHandle evpCipherCtxNew;
    // void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
    private final MethodHandle evpCipherCtxFree;
    // int EVP_CipherInit_ex2(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, const unsigned char *key, const unsigned char *iv, int enc, const OSSL_PARAM params[]);
    private final MethodHandle evpCipherInitEx2Setup;
    // int EVP_CipherInit_ex2(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, const unsigned char *key, const unsigned char *iv, int enc, const OSSL_PARAM params[]);
    private final MethodHandle evpCipherInitEx2;
    // int EVP_CipherUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);
    private final MethodHandle evpCipherUpdate;
    // int EVP_CipherFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl);
    private final MethodHandle evpCipherFinalEx;
    // int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);
    private final MethodHandle evpCipherCtxCtrl;
    // unsigned long ERR_get_error(void);
    private final MethodHandle errGetError;
    // void ERR_error_string_n(unsigned long e, char *buf, size_t len);
    private final MethodHandle errErrorStringN;

    private Libcrypto(SymbolLookup lookup) {
        Linker.Option critical = Linker.Option.critical(false);
        evpCipherFetch = downcall(lookup, "EVP_CIPHER_fetch", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        evpCipherFree = downcall(lookup, "EVP_CIPHER_free", FunctionDescriptor.ofVoid(ADDRESS));
        evpCipherCtxNew = downcall(lookup, "EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
        evpCipherCtxFree = downcall(lookup, "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
        evpCipherInitEx2Setup = downcall(lookup, "EVP_CipherInit_ex2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        evpCipherInitEx2 = downcall(lookup, "EVP_CipherInit_ex2",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG), critical);
        evpCipherUpdate = downcall(lookup, "EVP_CipherUpdate",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT), critical);
        evpCipherFinalEx = downcall(lookup, "EVP_CipherFinal_ex",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
        evpCipherCtxCtrl = downcall(lookup, "EVP_CIPHER_CTX_ctrl",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG), critical);
        errGetError = downcall(lookup, "ERR_get_error", FunctionDescriptor.of(JAVA_LONG));
        errErrorStringN = downcall(lookup, "ERR_error_string_n", FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG));
    }

    /**
     * The bindings, loading libcrypto on first use.
     *
     * @throws LibcryptoUnavailableException the library or one of its symbols is missing; the message says what to install
     */
    public static synchronized Libcrypto load() {
        if (instance == null && failure == null) {
            try {
                instance = new Libcrypto(SymbolLookup.libraryLookup(SONAME, Arena.global()));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                failure = new LibcryptoUnavailableException(SONAME + " could not be loaded (OpenSSL's AES-GCM for ESP): "
                        + "install the Debian package " + DEBIAN_PACKAGE + " (apt-get install " + DEBIAN_PACKAGE
                        + "), or choose the JDK's AES-GCM; the loader said: " + e.getMessage(), e);
            } catch (LibcryptoUnavailableException e) {
                failure = e;
            }
        }
        if (failure != null) throw new LibcryptoUnavailableException(failure.getMessage(), failure);
        return instance;
    }

    /** Empty when libcrypto can be used; otherwise why not. Never throws. */
    public static Optional<String> unavailableReason() {
        try {
            load();
            return Optional.empty();
        } catch (LibcryptoUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static MethodHandle downcall(SymbolLookup lookup, String symbol, FunctionDescriptor descriptor,
                                         Linker.Option... options) {
        return lookup.find(symbol)
                .map(address -> Linker.nativeLinker().downcallHandle(address, descriptor, options))
                .orElseThrow(() -> new LibcryptoUnavailableException(SONAME + " has no symbol " + symbol
                        + ": OpenSSL 3.0 or later is needed (apt-get install " + DEBIAN_PACKAGE + ")", null));
    }

    /** The cipher named {@code algorithm} (e.g. "AES-128-GCM") from the default provider; free it with {@link #cipherFree}. */
    public MemorySegment cipherFetch(String algorithm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cipher = (MemorySegment) evpCipherFetch.invokeExact(MemorySegment.NULL,
                    arena.allocateFrom(algorithm), MemorySegment.NULL);
            if (cipher.equals(MemorySegment.NULL)) throw failure("EVP_CIPHER_fetch(" + algorithm + ")");
            return cipher;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void cipherFree(MemorySegment cipher) {
        try {
            evpCipherFree.invokeExact(cipher);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment cipherCtxNew() {
        try {
            MemorySegment ctx = (MemorySegment) evpCipherCtxNew.invokeExact();
            if (ctx.equals(MemorySegment.NULL)) throw failure("EVP_CIPHER_CTX_new");
            return ctx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Frees the context; OpenSSL wipes the key schedule it holds. */
    public void cipherCtxFree(MemorySegment ctx) {
        try {
            evpCipherCtxFree.invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets cipher, key and direction once per SA ({@code encrypt}: 1 encrypt, 0 decrypt); the IV comes per packet. */
    public void cipherInitKey(MemorySegment ctx, MemorySegment cipher, MemorySegment key, boolean encrypt) {
        try {
            int ok = (int) evpCipherInitEx2Setup.invokeExact(ctx, cipher, key, MemorySegment.NULL, encrypt ? 1 : 0,
                    MemorySegment.NULL);
            if (ok != 1) throw failure("EVP_CipherInit_ex2(key)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // Per-packet calls: addresses as longs, results as OpenSSL's 1 (success) or 0 (failure), never an exception.

    /** A new IV (and so a new message) on a keyed context: {@code EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL)}. */
    public int cipherInitIv(long ctx, long iv) {
        try {
            return (int) evpCipherInitEx2.invokeExact(ctx, 0L, 0L, iv, -1, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Feeds {@code inl} bytes at {@code in}; {@code out} 0 means they are additional authenticated data. */
    public int cipherUpdate(long ctx, long out, long outl, long in, int inl) {
        try {
            return (int) evpCipherUpdate.invokeExact(ctx, out, outl, in, inl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Ends the message; when decrypting, 1 only if the tag set before matches. */
    public int cipherFinal(long ctx, long out, long outl) {
        try {
            return (int) evpCipherFinalEx.invokeExact(ctx, out, outl);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int cipherCtxCtrl(long ctx, int type, int arg, long ptr) {
        try {
            return (int) evpCipherCtxCtrl.invokeExact(ctx, type, arg, ptr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** OpenSSL's error queue as text (emptying it), for setup failures. */
    public String drainErrors() {
        StringBuilder text = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            for (long code = (long) errGetError.invokeExact(); code != 0; code = (long) errGetError.invokeExact()) {
                errErrorStringN.invokeExact(code, buffer, buffer.byteSize());
                if (!text.isEmpty()) text.append("; ");
                text.append(buffer.getString(0));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return text.isEmpty() ? "no OpenSSL error recorded" : text.toString();
    }

    private LibcryptoCallException failure(String call) {
        return new LibcryptoCallException(call + " failed: " + drainErrors());
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("unexpected checked exception from a native call", t);
    }
}
