package dev.booster.vpp.api.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The checks every generated message, struct, union and enum must pass with arbitrary values: the generated
 * encoder writes what the independent {@link SchemaEncoder} writes, decoding gives back an equal value, and
 * encoding that again gives the same bytes. Returns the failures, one line each, so a run reports them all.
 */
public final class GeneratedCodecRoundTrip {

    private GeneratedCodecRoundTrip() {
    }

    public static List<String> check(long seed, List<VppMessageType<?>> messages, List<VppStructType<?>> structs,
                                     List<VppUnionType<?>> unions, List<VppEnumType<?>> enums) {
        ArbitraryVppValues values = new ArbitraryVppValues(seed);
        List<String> failures = new ArrayList<>();
        for (VppMessageType<?> type : messages) {
            try {
                checkMessage(type, values);
            } catch (AssertionError | RuntimeException e) {
                failures.add(type.nameWithCrc() + ": " + e);
            }
        }
        for (VppStructType<?> type : structs) {
            check(failures, type.name(), new VppWireType.StructRef(type), values);
        }
        for (VppUnionType<?> type : unions) {
            check(failures, type.name(), new VppWireType.UnionRef(type), values);
        }
        for (VppEnumType<?> type : enums) {
            check(failures, type.name(), new VppWireType.EnumRef(type), values);
        }
        return failures;
    }

    private static <T extends VppMessage> void checkMessage(VppMessageType<T> type, ArbitraryVppValues values) {
        T message = values.message(type);
        VppMessageHeader header = new VppMessageHeader(0x1234,
                type.header().hasClientIndex() ? 0x80000001 : 0, type.header().hasContext() ? 0x7fff0102 : 0);
        byte[] encoded = type.encode(message, header);
        byte[] expected = SchemaEncoder.message(type, message, header);
        if (!Arrays.equals(encoded, expected)) {
            throw new AssertionError("generated encoder wrote " + hex(encoded) + ", the schema says " + hex(expected)
                    + " for " + message);
        }
        VppDecoded<T> decoded = type.decode(encoded);
        if (!decoded.message().equals(message) || !decoded.header().equals(header)) {
            throw new AssertionError("decoded " + decoded + " from " + hex(encoded) + ", encoded " + message);
        }
        if (!Arrays.equals(type.encode(decoded.message(), header), encoded)) {
            throw new AssertionError("re-encoding the decoded message changed its bytes");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void check(List<String> failures, String name, VppWireType wire, ArbitraryVppValues values) {
        try {
            Object value = values.value(wire);
            VppEncoder encoder;
            VppDecoder decoder;
            switch (wire) {
                case VppWireType.StructRef(VppStructType<?> type) -> {
                    encoder = type.encoder();
                    decoder = type.decoder();
                }
                case VppWireType.UnionRef(VppUnionType<?> type) -> {
                    encoder = (v, w) -> w.bytes((ByteArray) ((java.util.function.Function) type.toBytes()).apply(v));
                    decoder = r -> type.fromBytes().apply(r.bytes(type.size()));
                }
                case VppWireType.EnumRef(VppEnumType<?> type) -> {
                    encoder = (v, w) -> {
                        try {
                            value.getClass().getMethod("encode", value.getClass(), VppWriter.class).invoke(null, v, w);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    decoder = r -> {
                        try {
                            return type.javaClass().getMethod("decode", VppReader.class).invoke(null, r);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                }
                default -> throw new IllegalArgumentException(wire.toString());
            }
            VppWriter writer = new VppWriter(16);
            encoder.encode(value, writer);
            byte[] encoded = writer.toByteArray();
            byte[] expected = SchemaEncoder.value(wire, value);
            if (!Arrays.equals(encoded, expected)) {
                throw new AssertionError("generated encoder wrote " + hex(encoded) + ", the schema says "
                        + hex(expected));
            }
            VppReader reader = VppReader.of(encoded);
            Object decoded = decoder.decode(reader);
            if (!decoded.equals(value) || reader.remaining() != 0) {
                throw new AssertionError("decoded " + decoded + " (" + reader.remaining() + " bytes left), encoded "
                        + value);
            }
        } catch (AssertionError | RuntimeException e) {
            failures.add(name + ": " + e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
