package dev.booster.vpp.api.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A second encoder, written independently of the generated ones: it walks a type's runtime description and reads
 * the record through reflection, writing with {@link DataOutputStream} (big-endian by definition). Generated
 * encoders must produce the same bytes for every message.
 */
public final class SchemaEncoder {

    private SchemaEncoder() {
    }

    public static byte[] message(VppMessageType<?> type, Object message, VppMessageHeader header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeShort(header.messageId());
            if (type.header().hasClientIndex()) {
                out.writeInt(header.clientIndex());
            }
            if (type.header().hasContext()) {
                out.writeInt(header.context());
            }
            fields(type.fields(), message, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] value(VppWireType type, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(type, value, new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void fields(List<VppField> fields, Object record, DataOutputStream out) throws IOException {
        for (VppField field : fields) {
            if (field.count()) {
                VppField array = fields.stream().filter(f -> f.type() instanceof VppWireType.CountedArray counted
                        && counted.countField().equals(field.name())).findFirst().orElseThrow();
                Object elements = component(record, array.javaName());
                long size = elements instanceof ByteArray bytes ? bytes.length() : ((List<?>) elements).size();
                write(field.type(), scalarOfType((VppWireType.Scalar) field.type(), size), out);
            } else {
                write(field.type(), component(record, field.javaName()), out);
            }
        }
    }

    private static Object scalarOfType(VppWireType.Scalar type, long value) {
        return switch (type) {
            case U32, U64, I64 -> value;
            default -> (int) value;
        };
    }

    /** Each record's accessors by component name. */
    private static final ClassValue<java.util.Map<String, java.lang.reflect.Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected java.util.Map<String, java.lang.reflect.Method> computeValue(Class<?> type) {
            java.util.Map<String, java.lang.reflect.Method> accessors = new java.util.HashMap<>();
            for (RecordComponent component : type.getRecordComponents()) {
                accessors.put(component.getName(), component.getAccessor());
            }
            return accessors;
        }
    };

    private static Object component(Object record, String name) {
        java.lang.reflect.Method accessor = ACCESSORS.get(record.getClass()).get(name);
        if (accessor == null) {
            throw new IllegalStateException(record.getClass().getSimpleName() + " has no component " + name);
        }
        try {
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(VppWireType type, Object value, DataOutputStream out) throws IOException {
        switch (type) {
            case VppWireType.Scalar scalar -> {
                switch (scalar) {
                    case U8, I8 -> out.writeByte((Integer) value);
                    case BOOL -> out.writeByte((Boolean) value ? 1 : 0);
                    case U16, I16 -> out.writeShort((Integer) value);
                    case U32 -> out.writeInt((int) (long) (Long) value);
                    case I32 -> out.writeInt((Integer) value);
                    case U64, I64 -> out.writeLong((Long) value);
                    case F64 -> out.writeDouble((Double) value);
                }
            }
            case VppWireType.FixedString(int length) -> {
                byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.write(utf8);
                out.write(new byte[length - utf8.length]);
            }
            case VppWireType.VariableString() -> {
                byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            case VppWireType.FixedArray(VppWireType element, int ignored) -> elements(element, value, out);
            case VppWireType.CountedArray(VppWireType element, String i1, VppWireType.Scalar i2) ->
                    elements(element, value, out);
            case VppWireType.StructRef(VppStructType<?> struct) -> fields(struct.fields(), value, out);
            case VppWireType.EnumRef(VppEnumType<?> enumeration) -> {
                long number = ((VppEnumValue) value).value();
                write(enumeration.size(), scalarOfType(enumeration.size(), number), out);
            }
            case VppWireType.UnionRef(VppUnionType<?> ignored) -> out.write(((ByteArray) component(value, "bytes")).toArray());
        }
    }

    private static void elements(VppWireType element, Object value, DataOutputStream out) throws IOException {
        if (value instanceof ByteArray bytes) {
            out.write(bytes.toArray());
            return;
        }
        for (Object item : (List<?>) value) {
            write(element, item, out);
        }
    }
}
