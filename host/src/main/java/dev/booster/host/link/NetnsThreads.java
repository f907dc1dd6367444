package dev.booster.host.link;

import dev.booster.host.ffi.Libc;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs work inside a network namespace, named or given by its file. A network namespace belongs to a thread, so the work runs on a
 * fresh platform thread that enters the namespace ({@code setns}) and ends with the work: no pooled thread is
 * left in a foreign namespace. What the work creates there (an AF_XDP socket, a netlink socket) stays in that
 * namespace after the thread ends.
 */
public final class NetnsThreads {
    private static final String NETNS_DIR = "/run/netns/";

    private NetnsThreads() {
    }

    /**
     * Runs {@code task} inside {@code netns} and returns its result; what it throws is rethrown here.
     *
     * @throws dev.booster.host.ffi.NativeCallException the namespace does not exist or cannot be entered
     */
    public static <T> T supply(String netns, Supplier<T> task) {
        Namespace.check(netns);
        return supply(Path.of(NETNS_DIR + netns), netns, task);
    }

    /**
     * Runs {@code task} inside the namespace whose file is {@code netnsPath} ({@code /proc/PID/ns/net}, a bind mount)
     * and returns its result; what it throws is rethrown here.
     *
     * @throws dev.booster.host.ffi.NativeCallException the file does not exist, is no network namespace, or cannot be entered
     */
    public static <T> T supply(Path netnsPath, Supplier<T> task) {
        Objects.requireNonNull(netnsPath, "netnsPath");
        return supply(netnsPath, netnsPath.toString(), task);
    }

    /** {@code label} names the thread ("netns-" + label) and the namespace in errors. */
    private static <T> T supply(Path netnsPath, String label, Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        String path = netnsPath.toString();
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = Thread.ofPlatform().name("netns-" + label).unstarted(() -> {
            try {
                enter(path);
                result[0] = task.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while work ran in netns " + label, e);
        }
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    /** Runs {@code task} inside {@code netns}. */
    public static void run(String netns, Runnable task) {
        supply(netns, () -> {
            task.run();
            return null;
        });
    }

    /** Runs {@code task} inside the namespace whose file is {@code netnsPath}. */
    public static void run(Path netnsPath, Runnable task) {
        supply(netnsPath, () -> {
            task.run();
            return null;
        });
    }

    private static void enter(String path) {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "netns " + path);
        } finally {
            Libc.close(fd);
        }
    }
}
