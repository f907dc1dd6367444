package dev.booster.vpp.api.codec;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds instances of any generated message or type with arbitrary field values, from nothing but its runtime
 * description ({@code TYPE.fields()}) and its record constructor: edge values (0, max, min) a quarter of the time,
 * multi-byte UTF-8 in strings, lists up to a few elements, enum values VPP does not name.
 */
public final class ArbitraryVppValues {

    private final Random random;

    public ArbitraryVppValues(long seed) {
        this.random = new Random(seed);
    }

    public <T extends VppMessage> T message(VppMessageType<T> type) {
        return construct(type.javaClass(), type.name(), type.fields());
    }

    public <T> T struct(VppStructType<T> type) {
        return construct(type.javaClass(), type.name(), type.fields());
    }

    public <T> T union(VppUnionType<T> type) {
        return type.fromBytes().apply(bytes(type.size()));
    }

    public <T extends VppEnumValue> T enumValue(VppEnumType<T> type) {
        List<VppEnumConstant> constants = type.constants();
        if (!constants.isEmpty() && random.nextInt(3) > 0) {
            return type.fromValue().apply(constants.get(random.nextInt(constants.size())).value());
        }
        return type.fromValue().apply(scalarBits(type.size()));
    }

    /** Each record's canonical constructor, checked once against its description. */
    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            try {
                return type.getDeclaredConstructor(java.util.Arrays.stream(type.getRecordComponents())
                        .map(RecordComponent::getType).toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                throw new AssertionError(type + ": no canonical constructor", e);
            }
        }
    };

    /** Builds a record from the fields that are components (count fields are derived), checking they line up. */
    private <T> T construct(Class<T> javaClass, String name, List<VppField> fields) {
        RecordComponent[] components = javaClass.getRecordComponents();
        List<VppField> componentFields = fields.stream().filter(f -> !f.count()).toList();
        if (components.length != componentFields.size()) {
            throw new AssertionError(name + ": " + components.length + " record components but "
                    + componentFields.size() + " non-count fields");
        }
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            if (!components[i].getName().equals(componentFields.get(i).javaName())) {
                throw new AssertionError(name + ": component " + i + " is " + components[i].getName()
                        + ", the field says " + componentFields.get(i).javaName());
            }
            arguments[i] = value(componentFields.get(i).type());
        }
        try {
            return javaClass.cast(CONSTRUCTORS.get(javaClass).newInstance(arguments));
        } catch (InvocationTargetException e) {
            throw new AssertionError(name + ": the constructor refused arbitrary valid values", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(name + ": cannot construct", e);
        }
    }

    public Object value(VppWireType type) {
        return switch (type) {
            case VppWireType.Scalar scalar -> scalar(scalar);
            case VppWireType.FixedString(int length) -> string(random.nextInt(length + 1), false);
            case VppWireType.VariableString() -> string(random.nextInt(40), true);
            case VppWireType.FixedArray(VppWireType element, int length) -> isU8(element) ? bytes(length)
                    : list(element, length);
            case VppWireType.CountedArray(VppWireType element, String ignored, VppWireType.Scalar countType) -> {
                int max = (int) Math.min(countType.max(), isU8(element) ? 40 : 3);
                int size = random.nextInt(max + 1);
                yield isU8(element) ? bytes(size) : list(element, size);
            }
            case VppWireType.StructRef(VppStructType<?> struct) -> struct(struct);
            case VppWireType.EnumRef(VppEnumType<?> enumeration) -> enumValue(enumeration);
            case VppWireType.UnionRef(VppUnionType<?> union) -> union(union);
        };
    }

    private static boolean isU8(VppWireType element) {
        return element == VppWireType.Scalar.U8;
    }

    private List<Object> list(VppWireType element, int size) {
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(value(element));
        }
        return list;
    }

    private Object scalar(VppWireType.Scalar scalar) {
        return switch (scalar) {
            case BOOL -> random.nextBoolean();
            case F64 -> {
                double value = switch (random.nextInt(6)) {
                    case 0 -> 0.0;
                    case 1 -> -0.0;
                    case 2 -> Double.POSITIVE_INFINITY;
                    default -> Double.longBitsToDouble(random.nextLong());
                };
                yield Double.isNaN(value) ? 1.5 : value;
            }
            case U32, U64, I64 -> scalarBits(scalar);
            default -> (int) scalarBits(scalar);
        };
    }

    /** A value in the scalar's range, an edge one a quarter of the time. */
    private long scalarBits(VppWireType.Scalar scalar) {
        if (scalar == VppWireType.Scalar.U64 || scalar == VppWireType.Scalar.I64) {
            return switch (random.nextInt(8)) {
                case 0 -> 0;
                case 1 -> -1;
                default -> random.nextLong();
            };
        }
        long min = scalar == VppWireType.Scalar.I32 ? Integer.MIN_VALUE : scalar.min();
        long max = scalar == VppWireType.Scalar.I32 ? Integer.MAX_VALUE : scalar.max();
        return switch (random.nextInt(8)) {
            case 0 -> min;
            case 1 -> max;
            default -> min + (long) (random.nextDouble() * (max - min + 1.0)) % (max - min + 1);
        };
    }

    private ByteArray bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return ByteArray.copyOf(bytes);
    }

    /** Up to {@code maxBytes} of UTF-8 (1-, 2-, 3- and 4-byte characters); NUL only where the wire allows it. */
    private String string(int maxBytes, boolean nulAllowed) {
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        while (true) {
            int codePoint = switch (random.nextInt(10)) {
                case 0 -> 0xe9;
                case 1 -> 0x20ac;
                case 2 -> 0x1f600;
                case 3 -> nulAllowed ? 0 : 'z';
                default -> 'a' + random.nextInt(26);
            };
            int size = new String(Character.toChars(codePoint)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + size > maxBytes) {
                return text.toString();
            }
            text.appendCodePoint(codePoint);
            bytes += size;
        }
    }
}
