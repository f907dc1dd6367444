package dev.booster.engine.trace;

import dev.booster.engine.packet.PacketMemory;

/**
 * Which received packets to trace. {@code -1} in a field means "any". The protocol and port are read from the first
 * header after IPv4/IPv6 (extension headers are not walked); the port matches source or destination.
 */
public record TraceFilter(int rxInterface, int protocol, int port) {
    public static final int ANY = -1;

    public TraceFilter {
        if (port != ANY && protocol == ANY) throw new IllegalArgumentException("a trace filter with a port needs a protocol (6, 17 or 132)");
        if (port < ANY || port > 0xffff) throw new IllegalArgumentException("port " + port + " is out of range; use 0..65535 or -1 for any");
        if (protocol < ANY || protocol > 255) throw new IllegalArgumentException("protocol " + protocol + " is out of range; use 0..255 or -1 for any");
    }

    public static TraceFilter any() {
        return new TraceFilter(ANY, ANY, ANY);
    }

    public static TraceFilter onInterface(int rxInterface) {
        return new TraceFilter(rxInterface, ANY, ANY);
    }

    public static TraceFilter protocol(int protocol) {
        return new TraceFilter(ANY, protocol, ANY);
    }

    public static TraceFilter protocolPort(int protocol, int port) {
        return new TraceFilter(ANY, protocol, port);
    }

    /** Decides from the raw frame; bounds-checked against {@code length}, allocation-free. */
    public boolean matches(long frame, int length, int iface) {
        if (rxInterface != ANY && iface != rxInterface) return false;
        if (protocol == ANY) return true;
        if (length < 14) return false;
        int type = PacketMemory.u16(frame + 12);
        int proto;
        int l4;
        if (type == 0x0800 && length >= 34) {
            proto = PacketMemory.u8(frame + 23);
            l4 = 14 + (PacketMemory.u8(frame + 14) & 0xf) * 4;
        } else if (type == 0x86dd && length >= 54) {
            proto = PacketMemory.u8(frame + 20);
            l4 = 54;
        } else {
            return false;
        }
        if (proto != protocol) return false;
        if (port == ANY) return true;
        if (l4 + 4 > length) return false;
        return PacketMemory.u16(frame + l4) == port || PacketMemory.u16(frame + l4 + 2) == port;
    }
}
