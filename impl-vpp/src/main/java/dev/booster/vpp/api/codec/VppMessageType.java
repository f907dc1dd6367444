package dev.booster.vpp.api.codec;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A VPP message: its name, CRC (which changes whenever the message's layout does), header and body codec. Each
 * generated message record has one as {@code TYPE}.
 *
 * @param answers what VPP sends back for it (reply, details, events): looked up lazily, because a reply's class
 *                must not be initialised while its request's is
 */
public record VppMessageType<T extends VppMessage>(String name, String crc, VppHeader header, Class<T> javaClass,
                                                   List<VppField> fields, VppEncoder<T> encoder,
                                                   VppDecoder<T> decoder,
                                                   Supplier<List<VppMessageType<?>>> answers) {

    public VppMessageType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(crc, "crc");
        if (!crc.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException(name + ": crc must be 8 lower-case hex digits without 0x: " + crc);
        }
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(javaClass, "javaClass");
        fields = List.copyOf(fields);
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(answers, "answers");
    }

    /** The key of VPP's message table, e.g. {@code sw_interface_dump_aa610c27}. */
    public String nameWithCrc() {
        return name + "_" + crc;
    }

    /** The message body (header first) as VPP reads it after the socket's 16-byte frame header. */
    public byte[] encode(T message, VppMessageHeader headerValues) {
        Objects.requireNonNull(message, "message");
        VppWriter writer = new VppWriter(64);
        writer.u16(headerValues.messageId());
        if (header.hasClientIndex()) {
            writer.u32(Integer.toUnsignedLong(headerValues.clientIndex()));
        }
        if (header.hasContext()) {
            writer.u32(Integer.toUnsignedLong(headerValues.context()));
        }
        encoder.encode(message, writer);
        return writer.toByteArray();
    }

    /**
     * Decodes a whole message body. Bytes past the fields are accepted (VPP may pad), a body too short is a
     * {@link VppDecodeException} naming this message.
     */
    public VppDecoded<T> decode(byte[] body) {
        VppReader reader = VppReader.of(body);
        try {
            int messageId = reader.u16();
            int clientIndex = header.hasClientIndex() ? (int) reader.u32() : 0;
            int context = header.hasContext() ? (int) reader.u32() : 0;
            T message = decoder.decode(reader);
            return new VppDecoded<>(new VppMessageHeader(messageId, clientIndex, context), message);
        } catch (VppDecodeException | IllegalArgumentException | NullPointerException e) {
            throw new VppDecodeException("cannot decode " + nameWithCrc() + " from " + body.length + " bytes: "
                    + e.getMessage(), e);
        }
    }

    /** Reads the context of an encoded message of this type, or 0 when it has none. */
    public int contextOf(byte[] body) {
        int offset = header.contextOffset();
        if (offset < 0 || body.length < offset + 4) {
            return 0;
        }
        return ((body[offset] & 0xff) << 24) | ((body[offset + 1] & 0xff) << 16) | ((body[offset + 2] & 0xff) << 8)
                | (body[offset + 3] & 0xff);
    }

    @Override
    public String toString() {
        return nameWithCrc();
    }
}
