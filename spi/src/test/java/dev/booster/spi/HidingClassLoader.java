package dev.booster.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;

/**
 * A class loader over {@code urls} (for services files) that defines the {@code own} classes itself, from the
 * parent's class files, and pretends the {@code hidden} classes do not exist: an {@code own} class extending a hidden
 * one then fails to link, as a provider whose dependency jar is missing does.
 */
final class HidingClassLoader extends URLClassLoader {
    private final Set<String> own;
    private final Set<String> hidden;

    HidingClassLoader(URL[] urls, ClassLoader parent, Set<String> own, Set<String> hidden) {
        super(urls, parent);
        this.own = Set.copyOf(own);
        this.hidden = Set.copyOf(hidden);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            if (hidden.contains(name)) throw new ClassNotFoundException(name + " is hidden by the test");
            if (!own.contains(name)) return super.loadClass(name, resolve);
            Class<?> loaded = findLoadedClass(name);
            if (loaded != null) return loaded;
            byte[] bytes = classFile(name);
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    private byte[] classFile(String name) throws ClassNotFoundException {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) throw new ClassNotFoundException(name + " has no class file on the parent's class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
