package dev.booster.afxdp.link;

import dev.booster.api.InvalidSpecException;

/** Where a link lives: the host's network namespace, or a named one ({@code ip netns}). */
public sealed interface Namespace permits Namespace.Host, Namespace.Named {
    /** The longest namespace name accepted; the kernel allows more, but these become file names and log lines. */
    int MAX_NAME_LENGTH = 64;

    Namespace HOST = new Host();

    static Namespace host() {
        return HOST;
    }

    static Named named(String name) {
        return new Named(name);
    }

    /** The host's (the calling process's) network namespace. */
    record Host() implements Namespace {
        @Override
        public String toString() {
            return "host";
        }
    }

    /** A namespace created with {@code ip netns add}, pinned at {@code /run/netns/<name>}. */
    record Named(String name) implements Namespace {
        public Named {
            check(name);
        }

        @Override
        public String toString() {
            return "netns " + name;
        }
    }

    /** Throws {@link InvalidSpecException} unless {@code name} is a usable namespace name. */
    static String check(String name) {
        if (name == null || name.isEmpty()) throw new InvalidSpecException("netns", "namespace name is empty");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidSpecException("netns", "\"" + name + "\" is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (name.equals(".") || name.equals("..") || name.startsWith("-")) {
            throw new InvalidSpecException("netns", "\"" + name + "\" is not a usable namespace name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!ok) {
                throw new InvalidSpecException("netns", "\"" + name + "\" contains '" + c + "'; use letters, digits, '-', '_' and '.'");
            }
        }
        return name;
    }
}
