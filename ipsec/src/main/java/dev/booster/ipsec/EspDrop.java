package dev.booster.ipsec;

import java.util.Locale;

/**
 * Why an ESP encryptor or decryptor refused a packet. Per-packet calls return {@link #code()}, a negative int, in
 * place of a length, so the packet loop branches on the sign and never allocates or throws.
 */
public enum EspDrop {
    /** Shorter than an ESP header, IV, the smallest trailer and the ICV. */
    TRUNCATED,
    /** The SPI names no SA this decryptor (or inbound table) holds. */
    BAD_SPI,
    /** Seen before, or older than the replay window (RFC 4303 §3.4.3). */
    REPLAY,
    /** The ICV did not verify: tampered, wrong key, or a sequence number whose high half was guessed wrong. */
    INTEGRITY,
    /** The pad length points outside the payload or the padding is not 1, 2, 3... (RFC 4303 §2.4). */
    BAD_PADDING,
    /** The next header is neither IPv4 (4) nor IPv6 (41), or disagrees with the inner header's version. */
    BAD_NEXT_HEADER,
    /** A dummy packet (next header 59, RFC 4303 §2.6): authentic, carries nothing, silently discarded. */
    DUMMY,
    /** The packet to encrypt is not an IPv4 or IPv6 packet. */
    BAD_INNER_PACKET,
    /** Not enough headroom for the outer headers or tailroom for the trailer and ICV. */
    NO_ROOM,
    /** The outer packet would exceed 65,535 bytes. */
    TOO_BIG,
    /** The outbound sequence number would wrap (2^32 without ESN, 2^64 with): the SA must be rekeyed. */
    SEQUENCE_EXHAUSTED,
    /** The SA was closed; its native cipher state is gone. */
    CLOSED,
    /** The crypto library reported an error while encrypting: never expected, counted rather than thrown. */
    CRYPTO_ERROR,
    /**
     * Not a drop: a datagram on the ESP-in-UDP port that is not ESP (RFC 3948 §2.2-2.3), i.e. an IKE message behind
     * the 4-byte zero non-ESP marker, or a one-byte NAT keepalive (0xff). The caller hands the datagram, untouched,
     * to the host's UDP stack, where the IKE daemon's port-4500 socket takes IKE and ignores keepalives. Not
     * counted in any statistics.
     */
    NOT_ESP;

    private static final EspDrop[] BY_ORDINAL = values();

    private final String reasonName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The negative result a per-packet call returns for this reason. */
    public int code() {
        return -1 - ordinal();
    }

    /** The reason behind a negative per-packet result. */
    public static EspDrop of(int code) {
        if (code >= 0 || -1 - code >= BY_ORDINAL.length) {
            throw new IllegalArgumentException("result " + code + " is not an EspDrop code (those are -1 to -" + BY_ORDINAL.length + ")");
        }
        return BY_ORDINAL[-1 - code];
    }

    /** Stable kebab-case name, e.g. {@code bad-spi}, for counters and traces. */
    public String reasonName() {
        return reasonName;
    }

    static int count() {
        return BY_ORDINAL.length;
    }

    static EspDrop byOrdinal(int ordinal) {
        return BY_ORDINAL[ordinal];
    }
}
