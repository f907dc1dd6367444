package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;

/** Linux interface name rules (IFNAMSIZ), checked before anything touches the host. */
public final class InterfaceNames {
    /** IFNAMSIZ - 1. */
    public static final int MAX_LENGTH = 15;

    private InterfaceNames() {
    }

    /** Throws {@link InvalidSpecException} for {@code field} unless {@code name} is a valid Linux interface name. */
    public static String check(String field, String name) {
        if (name == null || name.isEmpty()) throw new InvalidSpecException(field, "interface name is empty");
        if (name.length() > MAX_LENGTH) {
            throw new InvalidSpecException(field, "\"" + name + "\" is longer than " + MAX_LENGTH + " characters (Linux IFNAMSIZ)");
        }
        if (name.equals(".") || name.equals("..")) throw new InvalidSpecException(field, "\"" + name + "\" is not a usable interface name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '/' || c == ':' || c > '~') {
                throw new InvalidSpecException(field, "\"" + name + "\" contains '" + (c < ' ' ? "\\u" + (int) c : String.valueOf(c))
                        + "'; use letters, digits, '-', '_' and '.'");
            }
        }
        return name;
    }
}
