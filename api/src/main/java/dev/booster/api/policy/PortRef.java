package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A port as Kubernetes writes it (IntOrString): a number 1..65535 or the name of a container port. */
public sealed interface PortRef permits PortRef.Number, PortRef.Named {

    /** Reads a JSON number or string. A string of digits is taken as the number it spells. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static PortRef of(Object value) {
        return switch (value) {
            case Integer i -> new Number(i);
            case java.lang.Number n when n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE -> new Number(n.intValue());
            case String s when !s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() <= 5 -> new Number(Integer.parseInt(s));
            case String s -> new Named(s);
            case null -> throw new IllegalArgumentException("port is null");
            default -> throw new IllegalArgumentException("\"" + value + "\" is not a named port or 1..65535");
        };
    }

    static PortRef of(int port) {
        return new Number(port);
    }

    static PortRef named(String name) {
        return new Named(name);
    }

    record Number(@JsonValue int port) implements PortRef {
        public Number {
            if (port < 1 || port > 65535) throw new IllegalArgumentException(port + " is not a port number; use 1..65535");
        }

        @Override
        public String toString() {
            return Integer.toString(port);
        }
    }

    /** A named port (IANA_SVC_NAME: 1..15 characters of [a-z0-9-], at least one letter, no leading, trailing or double '-'). */
    record Named(@JsonValue String name) implements PortRef {
        public Named {
            if (name == null || name.isEmpty() || name.length() > 15 || !name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")
                    || name.contains("--") || !name.matches(".*[a-z].*")) {
                throw new IllegalArgumentException("\"" + name + "\" is not a named port or 1..65535 (a name is 1..15 characters of a-z, 0-9 and '-', with a letter)");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
