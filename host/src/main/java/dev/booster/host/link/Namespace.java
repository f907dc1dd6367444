package dev.booster.host.link;

import dev.booster.api.InvalidSpecException;

import java.nio.file.Path;

/**
 * Where a link lives: the host's network namespace, a named one ({@code ip netns}), or one known by a path (a CNI
 * runtime's {@code /proc/PID/ns/net} or a bind mount elsewhere).
 */
public sealed interface Namespace permits Namespace.Host, Namespace.Named, Namespace.AtPath {
    /** The longest namespace name accepted; the kernel allows more, but these become file names and log lines. */
    int MAX_NAME_LENGTH = 64;

    Namespace HOST = new Host();

    static Namespace host() {
        return HOST;
    }

    static Named named(String name) {
        return new Named(name);
    }

    static AtPath atPath(Path path) {
        return new AtPath(path);
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

    /**
     * A namespace file anywhere ({@code /proc/1234/ns/net}, {@code /var/run/netns/cni-...}): entered with
     * {@code nsenter --net=PATH}, since {@code ip -n} knows only names under /run/netns.
     */
    record AtPath(Path path) implements Namespace {
        public AtPath {
            if (path == null || !path.isAbsolute()) throw new InvalidSpecException("netns", "\"" + path + "\" is not an absolute path");
            if (path.toString().indexOf('\0') >= 0 || path.toString().startsWith("-")) {
                throw new InvalidSpecException("netns", "\"" + path + "\" is not a usable path");
            }
        }

        @Override
        public String toString() {
            return "netns " + path;
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
