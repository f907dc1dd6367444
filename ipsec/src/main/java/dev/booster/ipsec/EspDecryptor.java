package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;

import static dev.booster.ipsec.Esp.u32;
import static dev.booster.ipsec.Esp.u64;
import static dev.booster.ipsec.Esp.u8;

/**
 * The inbound side of one SA: checks and decrypts an ESP tunnel-mode packet in place. The inner packet ends up at
 * {@code offset + }{@link Esp#PAYLOAD_OFFSET} from the ESP header, as long as the result; nothing moves.
 *
 * <p>Order of checks, cheapest refusal first: length, SPI, anti-replay (before any crypto, so a flood of replays
 * costs no AES), ICV, then the window is advanced (only authentic packets move it, RFC 4303 §3.4.3), then padding
 * and next header. Owned by one worker thread; allocates nothing (with {@link EspCrypto#OPENSSL}) and throws nothing.
 *
 * <p>Not done here: the outer header (the caller found ESP in it and passes the ESP header's offset), and checking
 * the inner packet against the SA's traffic selectors, which belongs to the policy lookup that follows.
 */
public final class EspDecryptor implements AutoCloseable {
    private final SecurityAssociation sa;
    private final EspAead aead;
    private final ReplayWindow window;
    private final SaCounters counters = new SaCounters();
    private final int spi;
    private boolean closed;

    private EspDecryptor(SecurityAssociation sa, EspCrypto crypto) {
        this.sa = sa;
        this.aead = EspAead.create(sa, crypto, false);
        this.window = new ReplayWindow(sa.replayWindow(), sa.extendedSequenceNumbers());
        this.spi = sa.spi();
    }

    /** A decryptor with the preferred AES-GCM implementation ({@link EspCrypto#preferred()}). */
    public static EspDecryptor open(SecurityAssociation sa) {
        return open(sa, EspCrypto.preferred());
    }

    /**
     * A decryptor with the given AES-GCM implementation; close it to free the cipher state.
     *
     * @throws dev.booster.ipsec.ffi.LibcryptoUnavailableException OPENSSL was asked for and libcrypto is missing
     */
    public static EspDecryptor open(SecurityAssociation sa, EspCrypto crypto) {
        if (sa == null) throw new IllegalArgumentException("sa must be set");
        if (crypto == null) throw new IllegalArgumentException("crypto must be set (EspCrypto.preferred() if unsure)");
        return new EspDecryptor(sa, crypto);
    }

    /**
     * Verifies and decrypts the ESP packet at {@code offset} in place.
     *
     * @param packet a native segment holding the packet (e.g. all of memory, with absolute addresses as offsets)
     * @param offset where the ESP header starts (just after the outer IP header)
     * @param length bytes from the ESP header to the end of the outer packet
     * @return the inner packet's length (it starts at {@code offset + Esp.PAYLOAD_OFFSET}), or a negative
     *         {@link EspDrop#code()}
     */
    public int decrypt(MemorySegment packet, long offset, int length) {
        if (closed) return counters.drop(EspDrop.CLOSED);
        if (length < Esp.MIN_PACKET_BYTES || offset < 0 || offset > packet.byteSize() - length) {
            return counters.drop(EspDrop.TRUNCATED);
        }
        if (u32(packet, offset) != spi) return counters.drop(EspDrop.BAD_SPI);
        long sequence = window.sequenceOf(u32(packet, offset + 4));
        if (!window.isFresh(sequence)) return counters.drop(EspDrop.REPLAY);
        long payload = offset + Esp.PAYLOAD_OFFSET;
        int payloadLength = length - Esp.PAYLOAD_OFFSET - EspAlgorithm.ICV_BYTES;
        if (!aead.open(packet, payload, payloadLength, sequence, u64(packet, offset + Esp.HEADER_BYTES))) {
            return counters.drop(EspDrop.INTEGRITY);
        }
        window.accept(sequence);

        int padLength = u8(packet, payload + payloadLength - 2);
        int nextHeader = u8(packet, payload + payloadLength - 1);
        int innerLength = payloadLength - Esp.TRAILER_BYTES - padLength;
        if (innerLength < 0) return counters.drop(EspDrop.BAD_PADDING);
        for (int i = 1; i <= padLength; i++) {
            if (u8(packet, payload + innerLength + i - 1) != i) return counters.drop(EspDrop.BAD_PADDING);
        }
        if (nextHeader == Esp.NEXT_HEADER_NONE) return counters.drop(EspDrop.DUMMY);
        int version = innerLength > 0 ? u8(packet, payload) >>> 4 : 0;
        if (!(nextHeader == Esp.NEXT_HEADER_IPV4 && version == 4 || nextHeader == Esp.NEXT_HEADER_IPV6 && version == 6)) {
            return counters.drop(EspDrop.BAD_NEXT_HEADER);
        }
        counters.countPacket(innerLength);
        return innerLength;
    }

    /**
     * As {@link #decrypt}, for ESP inside UDP (RFC 3948): {@code offset} is the UDP header's, and the inner packet ends
     * up at {@code offset + }{@link Esp#UDP_PAYLOAD_OFFSET}. The UDP checksum is not checked (RFC 3948 §3.1.2 lets a
     * receiver skip it; the ICV protects the ESP packet) nor are the ports (a NAT may change them). Returns
     * {@link EspDrop#NOT_ESP} for an IKE message or NAT keepalive, uncounted: hand those to the host.
     */
    public int decryptUdp(MemorySegment packet, long offset, int length) {
        int check = Esp.espInUdp(packet, offset, length);
        if (check == EspDrop.NOT_ESP.code()) return check;
        if (check < 0) return counters.drop(EspDrop.TRUNCATED);
        return decrypt(packet, offset + Esp.UDP_HEADER_BYTES, length - Esp.UDP_HEADER_BYTES);
    }

    /** The SA this decryptor serves. */
    public SecurityAssociation sa() {
        return sa;
    }

    /** The highest authenticated sequence number so far (full 64 bits with ESN; 0 before the first packet). */
    public long highestSequence() {
        return window.highest();
    }

    public SaStatistics statistics() {
        return counters.snapshot();
    }

    /** Continues as if {@code sequence} had been the last packet received (for tests of ESN edges). */
    void startAfter(long sequence) {
        window.startAfter(sequence);
    }

    /** Frees the cipher state. Call it only after the owning worker stopped using this decryptor. */
    @Override
    public void close() {
        closed = true;
        aead.close();
    }
}
