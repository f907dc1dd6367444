package dev.booster.afxdp.link;

import dev.booster.afxdp.ffi.Libc;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs work inside a named network namespace. A network namespace belongs to a thread, so the work runs on a
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
     * @throws dev.booster.afxdp.ffi.NativeCallException the namespace does not exist or cannot be entered
     */
    public static <T> T supply(String netns, Supplier<T> task) {
        Namespace.check(netns);
        Objects.requireNonNull(task, "task");
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = Thread.ofPlatform().name("netns-" + netns).unstarted(() -> {
            try {
                enter(netns);
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
            throw new IllegalStateException("interrupted while work ran in netns " + netns, e);
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

    private static void enter(String netns) {
        int fd = Libc.open(NETNS_DIR + netns, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "netns " + netns);
        } finally {
            Libc.close(fd);
        }
    }
}
