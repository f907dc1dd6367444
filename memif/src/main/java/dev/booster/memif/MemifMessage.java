package dev.booster.memif;

import dev.booster.api.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * One control message of the memif protocol (the {@code memif_msg_t} union). Text fields are NUL-padded C strings
 * on the wire; the records hold them already cut to what the field can carry (its size less the NUL, at a UTF-8
 * character boundary), so a message equals itself after an encode/decode round trip.
 *
 * <p>Direction: HELLO, CONNECTED master to slave; INIT, ADD_REGION, ADD_RING, CONNECT slave to master; ACK from
 * master to slave after each of INIT, ADD_REGION and ADD_RING; DISCONNECT either way.
 */
public sealed interface MemifMessage {

    /** The wire value of {@code memif_msg_type_t}. */
    int type();

    /** The name used in logs and errors, e.g. {@code ADD_RING}. */
    default String typeName() {
        return MessageCodec.typeName(type());
    }

    /** {@code memif_interface_mode_t}. */
    enum InterfaceMode {
        ETHERNET, IP, PUNT_INJECT
    }

    /** Master to slave, after each INIT, ADD_REGION and ADD_RING that it accepted. */
    record Ack() implements MemifMessage {
        public int type() {
            return MessageCodec.TYPE_ACK;
        }
    }

    /**
     * Master to slave, first: what the master supports. The ring and region maxima are highest <em>indexes</em>
     * (a slave uses {@code min(maxS2mRing + 1, wanted)} rings).
     */
    record Hello(String name, int minVersion, int maxVersion, int maxRegion, int maxM2sRing, int maxS2mRing,
                 int maxLog2RingSize) implements MemifMessage {
        public Hello {
            name = fit(name, MemifProtocol.NAME_SIZE);
            requireU16("minVersion", minVersion);
            requireU16("maxVersion", maxVersion);
            requireU16("maxRegion", maxRegion);
            requireU16("maxM2sRing", maxM2sRing);
            requireU16("maxS2mRing", maxS2mRing);
            requireU8("maxLog2RingSize", maxLog2RingSize);
        }

        public int type() {
            return MessageCodec.TYPE_HELLO;
        }
    }

    /** Slave to master: which interface it wants (by id), in which mode, with which secret. */
    record Init(int version, long id, InterfaceMode mode, Optional<Secret> secret, String name) implements MemifMessage {
        public Init {
            requireU16("version", version);
            if (id < 0 || id > 0xFFFF_FFFFL) throw new IllegalArgumentException("id " + id + " does not fit in 32 bits");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(secret, "secret");
            secret.ifPresent(MemifMessage::requireWireSecret);
            name = fit(name, MemifProtocol.NAME_SIZE);
        }

        public int type() {
            return MessageCodec.TYPE_INIT;
        }
    }

    /** Slave to master: shared memory region {@code index} of {@code size} bytes; its memfd travels with it. */
    record AddRegion(int index, long size) implements MemifMessage {
        public AddRegion {
            requireU16("index", index);
            if (size < 0) throw new IllegalArgumentException("size " + Long.toUnsignedString(size) + " is beyond 2^63");
        }

        public int type() {
            return MessageCodec.TYPE_ADD_REGION;
        }
    }

    /**
     * Slave to master: ring {@code index} of one direction lives in {@code region} at {@code offset}, with
     * 2^{@code log2RingSize} descriptors; its interrupt eventfd travels with it.
     */
    record AddRing(boolean slaveToMaster, int index, int region, long offset, int log2RingSize, int privateHeaderSize)
            implements MemifMessage {
        public AddRing {
            requireU16("index", index);
            requireU16("region", region);
            if (offset < 0 || offset > 0xFFFF_FFFFL) throw new IllegalArgumentException("offset " + offset + " does not fit in 32 bits");
            requireU8("log2RingSize", log2RingSize);
            requireU16("privateHeaderSize", privateHeaderSize);
        }

        public int type() {
            return MessageCodec.TYPE_ADD_RING;
        }

        /** "S2M ring 0" / "M2S ring 3", for messages. */
        public String describe() {
            return (slaveToMaster ? "S2M" : "M2S") + " ring " + index;
        }
    }

    /** Slave to master: everything is added; the slave's interface name. */
    record Connect(String interfaceName) implements MemifMessage {
        public Connect {
            interfaceName = fit(interfaceName, MemifProtocol.NAME_SIZE);
        }

        public int type() {
            return MessageCodec.TYPE_CONNECT;
        }
    }

    /** Master to slave: the master mapped everything and is up; the master's interface name. */
    record Connected(String interfaceName) implements MemifMessage {
        public Connected {
            interfaceName = fit(interfaceName, MemifProtocol.NAME_SIZE);
        }

        public int type() {
            return MessageCodec.TYPE_CONNECTED;
        }
    }

    /** Either way: the connection ends, with a code (0 in practice) and a reason for the peer's log. */
    record Disconnect(long code, String reason) implements MemifMessage {
        public Disconnect {
            if (code < 0 || code > 0xFFFF_FFFFL) throw new IllegalArgumentException("code " + code + " does not fit in 32 bits");
            reason = fit(reason, MemifProtocol.DISCONNECT_REASON_SIZE);
        }

        public int type() {
            return MessageCodec.TYPE_DISCONNECT;
        }
    }

    /** A secret as INIT carries it: at most 24 bytes and no NUL (C peers compare it as a string). */
    static void requireWireSecret(Secret secret) {
        if (secret.length() > MemifProtocol.SECRET_SIZE) {
            throw new IllegalArgumentException("secret is " + secret.length() + " bytes; the memif INIT message holds " + MemifProtocol.SECRET_SIZE);
        }
        boolean hasNul = secret.apply(bytes -> {
            for (byte b : bytes) {
                if (b == 0) return true;
            }
            return false;
        });
        if (hasNul) throw new IllegalArgumentException("secret contains a NUL byte, which C peers read as its end");
    }

    /** {@code text} cut to fit a C string field of {@code fieldSize} bytes (NUL included), at a character boundary. */
    static String fit(String text, int fieldSize) {
        Objects.requireNonNull(text, "text");
        int nul = text.indexOf('\0');
        if (nul >= 0) text = text.substring(0, nul);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        if (utf8.length < fieldSize) return text;
        int end = fieldSize - 1;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) end--; // do not split a multi-byte character
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    private static void requireU16(String field, int value) {
        if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException(field + " " + value + " does not fit in 16 bits");
    }

    private static void requireU8(String field, int value) {
        if (value < 0 || value > 0xFF) throw new IllegalArgumentException(field + " " + value + " does not fit in 8 bits");
    }
}
