package dev.booster.memif;

import dev.booster.api.Secret;
import dev.booster.memif.MemifMessage.InterfaceMode;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Encodes and decodes {@link MemifMessage}s as the 128-byte {@code memif_msg_t} of the C headers. The structs are
 * {@code __attribute__((packed))}: no padding anywhere, the 16-bit {@code type} is followed directly by the union at
 * offset 2, and INIT's 8-bit {@code mode} bit-field takes one byte. The layouts below spell that out; tests check
 * them against offsets compiled from a C transcription of the header.
 */
public final class MessageCodec {
    public static final int TYPE_ACK = 1;
    public static final int TYPE_HELLO = 2;
    public static final int TYPE_INIT = 3;
    public static final int TYPE_ADD_REGION = 4;
    public static final int TYPE_ADD_RING = 5;
    public static final int TYPE_CONNECT = 6;
    public static final int TYPE_CONNECTED = 7;
    public static final int TYPE_DISCONNECT = 8;

    /** {@code memif_msg_hello_t}. */
    public static final StructLayout HELLO = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(MemifProtocol.NAME_SIZE, JAVA_BYTE).withName("name"),
            JAVA_SHORT_UNALIGNED.withName("min_version"),
            JAVA_SHORT_UNALIGNED.withName("max_version"),
            JAVA_SHORT_UNALIGNED.withName("max_region"),
            JAVA_SHORT_UNALIGNED.withName("max_m2s_ring"),
            JAVA_SHORT_UNALIGNED.withName("max_s2m_ring"),
            JAVA_BYTE.withName("max_log2_ring_size")).withName("memif_msg_hello_t");
    /** {@code memif_msg_init_t}. */
    public static final StructLayout INIT = MemoryLayout.structLayout(
            JAVA_SHORT_UNALIGNED.withName("version"),
            JAVA_INT_UNALIGNED.withName("id"),
            JAVA_BYTE.withName("mode"),
            MemoryLayout.sequenceLayout(MemifProtocol.SECRET_SIZE, JAVA_BYTE).withName("secret"),
            MemoryLayout.sequenceLayout(MemifProtocol.NAME_SIZE, JAVA_BYTE).withName("name")).withName("memif_msg_init_t");
    /** {@code memif_msg_add_region_t}. */
    public static final StructLayout ADD_REGION = MemoryLayout.structLayout(
            JAVA_SHORT_UNALIGNED.withName("index"),
            JAVA_LONG_UNALIGNED.withName("size")).withName("memif_msg_add_region_t");
    /** {@code memif_msg_add_ring_t}. */
    public static final StructLayout ADD_RING = MemoryLayout.structLayout(
            JAVA_SHORT_UNALIGNED.withName("flags"),
            JAVA_SHORT_UNALIGNED.withName("index"),
            JAVA_SHORT_UNALIGNED.withName("region"),
            JAVA_INT_UNALIGNED.withName("offset"),
            JAVA_BYTE.withName("log2_ring_size"),
            JAVA_SHORT_UNALIGNED.withName("private_hdr_size")).withName("memif_msg_add_ring_t");
    /** {@code memif_msg_connect_t} and {@code memif_msg_connected_t}. */
    public static final StructLayout CONNECT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(MemifProtocol.NAME_SIZE, JAVA_BYTE).withName("if_name")).withName("memif_msg_connect_t");
    /** {@code memif_msg_disconnect_t}. */
    public static final StructLayout DISCONNECT = MemoryLayout.structLayout(
            JAVA_INT_UNALIGNED.withName("code"),
            MemoryLayout.sequenceLayout(MemifProtocol.DISCONNECT_REASON_SIZE, JAVA_BYTE).withName("string")).withName("memif_msg_disconnect_t");
    /** {@code memif_msg_t}: the type, then the union, padded to 128 bytes. */
    public static final StructLayout MESSAGE = MemoryLayout.structLayout(
            JAVA_SHORT_UNALIGNED.withName("type"),
            MemoryLayout.unionLayout(HELLO.withName("hello"), INIT.withName("init"), ADD_REGION.withName("add_region"),
                    ADD_RING.withName("add_ring"), CONNECT.withName("connect"), CONNECT.withName("connected"),
                    DISCONNECT.withName("disconnect")).withName("payload"),
            MemoryLayout.paddingLayout(MemifProtocol.MESSAGE_SIZE - 2 - DISCONNECT.byteSize())).withName("memif_msg_t");

    /** Where the union starts in the message. */
    public static final long PAYLOAD = MESSAGE.byteOffset(groupElement("payload"));

    private MessageCodec() {
    }

    /** The 128 bytes of {@code message}, unused bytes zero. */
    public static byte[] encode(MemifMessage message) {
        byte[] bytes = new byte[MemifProtocol.MESSAGE_SIZE];
        MemorySegment m = MemorySegment.ofArray(bytes);
        m.set(JAVA_SHORT_UNALIGNED, 0, (short) message.type());
        MemorySegment p = m.asSlice(PAYLOAD);
        switch (message) {
            case MemifMessage.Ack ignored -> { }
            case MemifMessage.Hello h -> {
                putString(p, HELLO, "name", h.name());
                p.set(JAVA_SHORT_UNALIGNED, off(HELLO, "min_version"), (short) h.minVersion());
                p.set(JAVA_SHORT_UNALIGNED, off(HELLO, "max_version"), (short) h.maxVersion());
                p.set(JAVA_SHORT_UNALIGNED, off(HELLO, "max_region"), (short) h.maxRegion());
                p.set(JAVA_SHORT_UNALIGNED, off(HELLO, "max_m2s_ring"), (short) h.maxM2sRing());
                p.set(JAVA_SHORT_UNALIGNED, off(HELLO, "max_s2m_ring"), (short) h.maxS2mRing());
                p.set(JAVA_BYTE, off(HELLO, "max_log2_ring_size"), (byte) h.maxLog2RingSize());
            }
            case MemifMessage.Init i -> {
                p.set(JAVA_SHORT_UNALIGNED, off(INIT, "version"), (short) i.version());
                p.set(JAVA_INT_UNALIGNED, off(INIT, "id"), (int) i.id());
                p.set(JAVA_BYTE, off(INIT, "mode"), (byte) i.mode().ordinal());
                i.secret().ifPresent(s -> s.apply(secret -> {
                    MemorySegment.copy(secret, 0, p, JAVA_BYTE, off(INIT, "secret"), secret.length);
                    return null;
                }));
                putString(p, INIT, "name", i.name());
            }
            case MemifMessage.AddRegion r -> {
                p.set(JAVA_SHORT_UNALIGNED, off(ADD_REGION, "index"), (short) r.index());
                p.set(JAVA_LONG_UNALIGNED, off(ADD_REGION, "size"), r.size());
            }
            case MemifMessage.AddRing r -> {
                p.set(JAVA_SHORT_UNALIGNED, off(ADD_RING, "flags"), (short) (r.slaveToMaster() ? MemifProtocol.ADD_RING_FLAG_S2M : 0));
                p.set(JAVA_SHORT_UNALIGNED, off(ADD_RING, "index"), (short) r.index());
                p.set(JAVA_SHORT_UNALIGNED, off(ADD_RING, "region"), (short) r.region());
                p.set(JAVA_INT_UNALIGNED, off(ADD_RING, "offset"), (int) r.offset());
                p.set(JAVA_BYTE, off(ADD_RING, "log2_ring_size"), (byte) r.log2RingSize());
                p.set(JAVA_SHORT_UNALIGNED, off(ADD_RING, "private_hdr_size"), (short) r.privateHeaderSize());
            }
            case MemifMessage.Connect c -> putString(p, CONNECT, "if_name", c.interfaceName());
            case MemifMessage.Connected c -> putString(p, CONNECT, "if_name", c.interfaceName());
            case MemifMessage.Disconnect d -> {
                p.set(JAVA_INT_UNALIGNED, off(DISCONNECT, "code"), (int) d.code());
                putString(p, DISCONNECT, "string", d.reason());
            }
        }
        return bytes;
    }

    /**
     * Decodes the first {@code length} bytes of {@code bytes}. A message that is not exactly 128 bytes, has an unknown
     * type, an unknown interface mode or unknown ADD_RING flags is refused with a {@link MemifProtocolException}
     * whose message is the reason to send back.
     */
    public static MemifMessage decode(byte[] bytes, int length) {
        if (length != MemifProtocol.MESSAGE_SIZE) {
            throw new MemifProtocolException("message is " + length + " bytes; memif messages are " + MemifProtocol.MESSAGE_SIZE);
        }
        MemorySegment m = MemorySegment.ofArray(bytes).asSlice(0, length);
        int type = Short.toUnsignedInt(m.get(JAVA_SHORT_UNALIGNED, 0));
        MemorySegment p = m.asSlice(PAYLOAD);
        return switch (type) {
            case TYPE_ACK -> new MemifMessage.Ack();
            case TYPE_HELLO -> new MemifMessage.Hello(getString(p, HELLO, "name"), u16(p, HELLO, "min_version"),
                    u16(p, HELLO, "max_version"), u16(p, HELLO, "max_region"), u16(p, HELLO, "max_m2s_ring"),
                    u16(p, HELLO, "max_s2m_ring"), u8(p, HELLO, "max_log2_ring_size"));
            case TYPE_INIT -> {
                int mode = u8(p, INIT, "mode");
                if (mode >= InterfaceMode.values().length) throw new MemifProtocolException("INIT has unknown interface mode " + mode);
                yield new MemifMessage.Init(u16(p, INIT, "version"), Integer.toUnsignedLong(p.get(JAVA_INT_UNALIGNED, off(INIT, "id"))),
                        InterfaceMode.values()[mode], secret(p), getString(p, INIT, "name"));
            }
            case TYPE_ADD_REGION -> {
                long size = p.get(JAVA_LONG_UNALIGNED, off(ADD_REGION, "size"));
                if (size < 0) throw new MemifProtocolException("ADD_REGION size " + Long.toUnsignedString(size) + " is out of range");
                yield new MemifMessage.AddRegion(u16(p, ADD_REGION, "index"), size);
            }
            case TYPE_ADD_RING -> {
                int flags = u16(p, ADD_RING, "flags");
                if ((flags & ~MemifProtocol.ADD_RING_FLAG_S2M) != 0) {
                    throw new MemifProtocolException("ADD_RING has unknown flags 0x" + Integer.toHexString(flags));
                }
                yield new MemifMessage.AddRing((flags & MemifProtocol.ADD_RING_FLAG_S2M) != 0, u16(p, ADD_RING, "index"),
                        u16(p, ADD_RING, "region"), Integer.toUnsignedLong(p.get(JAVA_INT_UNALIGNED, off(ADD_RING, "offset"))),
                        u8(p, ADD_RING, "log2_ring_size"), u16(p, ADD_RING, "private_hdr_size"));
            }
            case TYPE_CONNECT -> new MemifMessage.Connect(getString(p, CONNECT, "if_name"));
            case TYPE_CONNECTED -> new MemifMessage.Connected(getString(p, CONNECT, "if_name"));
            case TYPE_DISCONNECT -> new MemifMessage.Disconnect(Integer.toUnsignedLong(p.get(JAVA_INT_UNALIGNED, off(DISCONNECT, "code"))),
                    getString(p, DISCONNECT, "string"));
            default -> throw new MemifProtocolException("unknown message type " + type);
        };
    }

    /** "HELLO", "ADD_RING"..., or "type N" for values the protocol does not define. */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_ACK -> "ACK";
            case TYPE_HELLO -> "HELLO";
            case TYPE_INIT -> "INIT";
            case TYPE_ADD_REGION -> "ADD_REGION";
            case TYPE_ADD_RING -> "ADD_RING";
            case TYPE_CONNECT -> "CONNECT";
            case TYPE_CONNECTED -> "CONNECTED";
            case TYPE_DISCONNECT -> "DISCONNECT";
            default -> "type " + type;
        };
    }

    private static long off(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    private static int u16(MemorySegment p, StructLayout layout, String field) {
        return Short.toUnsignedInt(p.get(JAVA_SHORT_UNALIGNED, off(layout, field)));
    }

    private static int u8(MemorySegment p, StructLayout layout, String field) {
        return Byte.toUnsignedInt(p.get(JAVA_BYTE, off(layout, field)));
    }

    private static Optional<Secret> secret(MemorySegment p) {
        byte[] field = p.asSlice(off(INIT, "secret"), MemifProtocol.SECRET_SIZE).toArray(JAVA_BYTE);
        int length = cStringLength(field);
        if (length == 0) return Optional.empty();
        byte[] value = Arrays.copyOf(field, length);
        Arrays.fill(field, (byte) 0);
        try {
            return Optional.of(Secret.ofBytes(value));
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    private static void putString(MemorySegment p, StructLayout layout, String field, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        long size = layout.select(groupElement(field)).byteSize();
        // The records already cut text to size - 1 bytes, so the NUL (zero from allocation) always fits.
        MemorySegment.copy(utf8, 0, p, JAVA_BYTE, off(layout, field), (int) Math.min(utf8.length, size - 1));
    }

    private static String getString(MemorySegment p, StructLayout layout, String field) {
        long size = layout.select(groupElement(field)).byteSize();
        byte[] bytes = p.asSlice(off(layout, field), size).toArray(JAVA_BYTE);
        return new String(bytes, 0, cStringLength(bytes), StandardCharsets.UTF_8);
    }

    private static int cStringLength(byte[] field) {
        for (int i = 0; i < field.length; i++) {
            if (field[i] == 0) return i;
        }
        return field.length;
    }
}
