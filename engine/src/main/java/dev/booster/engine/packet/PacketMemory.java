package dev.booster.engine.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Reads and writes packet bytes by absolute address, in network byte order.
 *
 * <p>Every access goes through one segment that spans the whole address space. Per-region segments would check
 * bounds on every access, but against the wrong thing: a frame mixes packets from several backends' regions (one
 * UMEM per AF_XDP socket, an mbuf pool, the memory backend's arena), so each access would first have to find the
 * packet's region, and the region's bounds say nothing about the packet's own length. Instead the nodes check once
 * per packet that the header they are about to read lies inside the packet ({@code offset + size <= length}), and a
 * backend guarantees that {@code length <= room} stays inside its buffer. The price is that an engine bug would
 * corrupt memory instead of throwing; the fuzz test guards for that with canary bytes between buffers.
 */
public final class PacketMemory {
    /** All of memory; offsets into it are absolute addresses. */
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(BIG_ENDIAN);

    private PacketMemory() {
    }

    public static int u8(long address) {
        return ALL.get(ValueLayout.JAVA_BYTE, address) & 0xff;
    }

    public static int u16(long address) {
        return ALL.get(U16, address) & 0xffff;
    }

    /** A 32-bit field as an int in network order (an IPv4 address keeps its 10.0.0.1 = 0x0A000001 form). */
    public static int u32(long address) {
        return ALL.get(U32, address);
    }

    public static long u64(long address) {
        return ALL.get(U64, address);
    }

    /** A MAC address in the low 48 bits. */
    public static long mac(long address) {
        return ((long) u16(address) << 32) | (u32(address + 2) & 0xffff_ffffL);
    }

    public static void put8(long address, int value) {
        ALL.set(ValueLayout.JAVA_BYTE, address, (byte) value);
    }

    public static void put16(long address, int value) {
        ALL.set(U16, address, (short) value);
    }

    public static void put32(long address, int value) {
        ALL.set(U32, address, value);
    }

    public static void put64(long address, long value) {
        ALL.set(U64, address, value);
    }

    public static void putMac(long address, long mac) {
        put16(address, (int) (mac >>> 32));
        put32(address + 2, (int) mac);
    }

    public static void copy(long from, long to, long bytes) {
        MemorySegment.copy(ALL, from, ALL, to, bytes);
    }
}
