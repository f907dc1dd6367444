package dev.booster.ipsec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.booster.ipsec.Esp.u32;

/**
 * The inbound SAs of one worker, found by SPI (RFC 4301 §4.1: a unicast SA is identified by its SPI alone). Two SAs
 * of one peer live side by side while a rekey makes the new one before breaking the old one. Immutable: the control
 * plane builds a new table and publishes it; the decryptors (and their replay windows) carry over.
 *
 * <p>Lookup is open addressing over int arrays: no boxing, no allocation.
 */
public final class EspInbound {
    private final int[] spis;
    private final EspDecryptor[] decryptors;
    private final int mask;
    private final List<EspDecryptor> all;
    private final SaCounters unknown;

    private EspInbound(List<EspDecryptor> decryptors, SaCounters unknown) {
        int size = Integer.highestOneBit(Math.max(4, decryptors.size() * 2) - 1) << 1;
        this.spis = new int[size];
        this.decryptors = new EspDecryptor[size];
        this.mask = size - 1;
        for (EspDecryptor d : decryptors) {
            int spi = d.sa().spi();
            int slot = slot(spi);
            while (this.decryptors[slot] != null) {
                if (spis[slot] == spi) {
                    throw new IllegalArgumentException("two inbound SAs have SPI 0x" + Integer.toHexString(spi)
                            + ": an SPI must name one SA");
                }
                slot = slot + 1 & mask;
            }
            spis[slot] = spi;
            this.decryptors[slot] = d;
        }
        this.all = List.copyOf(decryptors);
        this.unknown = unknown;
    }

    public static EspInbound of(List<EspDecryptor> decryptors) {
        return new EspInbound(decryptors, new SaCounters());
    }

    /** The same table with {@code added}, keeping the unknown-SPI counts. */
    public EspInbound with(EspDecryptor added) {
        List<EspDecryptor> next = new ArrayList<>(all);
        next.add(added);
        return new EspInbound(next, unknown);
    }

    /** The same table without the SA of {@code spi} (closing it stays the caller's job, once no worker uses it). */
    public EspInbound without(int spi) {
        return new EspInbound(all.stream().filter(d -> d.sa().spi() != spi).toList(), unknown);
    }

    /** The decryptor of {@code spi}, or null. */
    public EspDecryptor find(int spi) {
        for (int slot = slot(spi); decryptors[slot] != null; slot = slot + 1 & mask) {
            if (spis[slot] == spi) return decryptors[slot];
        }
        return null;
    }

    /**
     * Finds the SA by the packet's SPI and decrypts with it; see {@link EspDecryptor#decrypt}. Packets too short for
     * an SPI or with an unknown one are counted in {@link #unknownSpiStatistics()}.
     */
    public int decrypt(MemorySegment packet, long offset, int length) {
        if (length < Esp.MIN_PACKET_BYTES || offset < 0 || offset > packet.byteSize() - length) {
            return unknown.drop(EspDrop.TRUNCATED);
        }
        EspDecryptor decryptor = find(u32(packet, offset));
        if (decryptor == null) return unknown.drop(EspDrop.BAD_SPI);
        return decryptor.decrypt(packet, offset, length);
    }

    /**
     * As {@link #decrypt}, for ESP inside UDP (RFC 3948), e.g. what arrives on UDP port 4500: {@code offset} is the
     * UDP header's, {@code length} runs from there to the end of the IP packet, and the inner packet ends up at
     * {@code offset + }{@link Esp#UDP_PAYLOAD_OFFSET}. Returns {@link EspDrop#NOT_ESP}, uncounted, for an IKE
     * message (the 4-byte zero non-ESP marker) or a NAT keepalive: the caller passes that datagram to the host's UDP
     * stack, where the IKE daemon listens. See {@link EspDecryptor#decryptUdp} for what is not checked.
     */
    public int decryptUdp(MemorySegment packet, long offset, int length) {
        int check = Esp.espInUdp(packet, offset, length);
        if (check == EspDrop.NOT_ESP.code()) return check;
        if (check < 0) return unknown.drop(EspDrop.TRUNCATED);
        return decrypt(packet, offset + Esp.UDP_HEADER_BYTES, length - Esp.UDP_HEADER_BYTES);
    }

    /** Drops that no SA could be charged with: TRUNCATED and BAD_SPI. */
    public SaStatistics unknownSpiStatistics() {
        return unknown.snapshot();
    }

    public List<EspDecryptor> decryptors() {
        return all;
    }

    private int slot(int spi) {
        int h = spi * 0x9E3779B9;
        return (h ^ h >>> 16) & mask;
    }
}
