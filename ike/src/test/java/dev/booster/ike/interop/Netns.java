package dev.booster.ike.interop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;

/**
 * Runs work inside a named network namespace: a fresh platform thread enters it with setns(2) and ends with the work.
 * A socket opened there stays in that namespace, so the IKE daemon can serve it from any thread afterwards.
 */
final class Netns {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Netns() {
    }

    static <T> T call(String netns, Callable<T> work) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread thread = Thread.ofPlatform().name("netns-" + netns).start(() -> {
            try {
                enter("/run/netns/" + netns);
                result[0] = work.call();
            } catch (Exception e) {
                failure[0] = e;
            } catch (Throwable t) {
                failure[0] = new IllegalStateException(t);
            }
        });
        thread.join(30_000);
        if (thread.isAlive()) throw new IllegalStateException("work in netns " + netns + " did not finish in 30 s");
        if (failure[0] != null) throw failure[0];
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    private static void enter(String path) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw new IllegalStateException("cannot open " + path);
            try {
                if ((int) SETNS.invokeExact(fd, CLONE_NEWNET) != 0) throw new IllegalStateException("setns(" + path + ") failed");
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
