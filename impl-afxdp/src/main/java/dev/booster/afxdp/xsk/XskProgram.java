package dev.booster.afxdp.xsk;

import dev.booster.host.ffi.Errno;
import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.api.InvalidSpecException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * libxdp's default AF_XDP program ({@code xsk_def_xdp_prog.o}: "redirect the frame to the socket registered for
 * its RX queue, else pass it on"), loaded and attached by Booster ({@link XdpProgramMode#BOOSTER}): one instance
 * per interface and network namespace in this process, shared by the sockets on that interface's queues,
 * attached through a BPF link and detached when the last socket leaves.
 *
 * <p>Why not let libxdp do it: libxdp 1.3.1 (Debian 12) leaks a BPF map and a program descriptor, and so a loaded
 * program, per socket it creates and deletes (fixed upstream in xdp-tools 48ad94b and 9484d6a); and it detaches by
 * interface index in the namespace of the thread that deletes the socket, which for a socket opened inside a pod's
 * namespace is some other interface. A BPF link is detached by closing its descriptor, from any thread.
 */
final class XskProgram {
    static final String OBJECT_FILE = "xsk_def_xdp_prog.o";
    static final String PROGRAM = "xsk_def_prog";
    static final String XSKS_MAP = "xsks_map";
    /** XSKMAP size: a slot is 8 bytes, so room for any NIC's queue ids costs nothing worth saving. */
    static final int MAX_QUEUES = 1024;
    private static final String OBJECT_PATH_ENV = "LIBXDP_OBJECT_PATH";
    private static final List<String> OBJECT_DIRS = List.of(
            "/usr/lib/x86_64-linux-gnu/bpf", "/usr/lib/aarch64-linux-gnu/bpf", "/usr/lib64/bpf", "/usr/lib/bpf",
            "/usr/local/lib/bpf", "/usr/local/lib64/bpf");

    /** Attached programs by namespace and ifindex; guarded by the class lock. */
    private static final Map<String, XskProgram> ATTACHED = new HashMap<>();

    private final Libbpf libbpf;
    private final String key;
    private final String interfaceName;
    private final MemorySegment object;
    private final int xsksMapFd;
    private final int linkFd;
    private int sockets;

    private XskProgram(Libbpf libbpf, String key, String interfaceName, MemorySegment object, int xsksMapFd, int linkFd) {
        this.libbpf = libbpf;
        this.key = key;
        this.interfaceName = interfaceName;
        this.object = object;
        this.xsksMapFd = xsksMapFd;
        this.linkFd = linkFd;
    }

    /**
     * Puts {@code socketFd} in the XSKMAP slot of {@code queue} of {@code interfaceName} (in the calling thread's
     * namespace), loading and attaching the program first if this interface has none from us yet.
     */
    static synchronized Registration register(String interfaceName, int queue, int socketFd, XdpAttachMode mode) {
        if (queue >= MAX_QUEUES) {
            throw new InvalidSpecException("queue", queue + " is beyond the " + MAX_QUEUES + " queues Booster's XDP program serves");
        }
        int ifindex = Libc.ifNameToIndex(interfaceName);
        if (ifindex == 0) throw new NativeCallException("if_nametoindex(" + interfaceName + ")", Errno.ENODEV);
        String key = currentNetns() + "/" + ifindex;
        XskProgram program = ATTACHED.get(key);
        if (program == null) {
            program = attach(Libbpf.load(), key, interfaceName, ifindex, mode);
            ATTACHED.put(key, program);
        }
        try {
            program.libbpf.mapUpdateInt(program.xsksMapFd, queue, socketFd, XSKS_MAP + "[" + queue + "] of " + interfaceName);
        } catch (RuntimeException e) {
            if (program.sockets == 0) program.detach();
            throw e;
        }
        program.sockets++;
        return new Registration(program, queue);
    }

    /** True while this process has the program attached to {@code interfaceName} in the calling thread's namespace. */
    static synchronized boolean isAttached(String interfaceName) {
        int ifindex = Libc.ifNameToIndex(interfaceName);
        return ifindex != 0 && ATTACHED.containsKey(currentNetns() + "/" + ifindex);
    }

    private static XskProgram attach(Libbpf libbpf, String key, String interfaceName, int ifindex, XdpAttachMode mode) {
        Path file = objectFile();
        MemorySegment object = libbpf.objectOpenFile(file.toString());
        try {
            MemorySegment map = libbpf.objectFindMapByName(object, XSKS_MAP);
            libbpf.mapSetMaxEntries(map, MAX_QUEUES, XSKS_MAP);
            libbpf.objectLoad(object, file.toString());
            int programFd = libbpf.programFd(libbpf.objectFindProgramByName(object, PROGRAM), PROGRAM);
            int mapFd = libbpf.mapFd(map, XSKS_MAP);
            int flags = mode == XdpAttachMode.GENERIC ? Libxdp.XDP_FLAGS_SKB_MODE : Libxdp.XDP_FLAGS_DRV_MODE;
            int linkFd;
            try {
                linkFd = libbpf.linkCreate(programFd, ifindex, Libbpf.BPF_XDP, flags, "XDP " + PROGRAM + " on " + interfaceName + ", " + mode);
            } catch (NativeCallException e) {
                if (e.errno() != Errno.EBUSY && e.errno() != Errno.EEXIST) throw e;
                throw new NativeCallException(e.call(), e.errno(), "another XDP program is attached to " + interfaceName
                        + " (`ip link show " + interfaceName + "`): detach it, or open the socket with XdpProgramMode.NONE and redirect from that program");
            }
            return new XskProgram(libbpf, key, interfaceName, object, mapFd, linkFd);
        } catch (RuntimeException e) {
            libbpf.objectClose(object);
            throw e;
        }
    }

    private void unregister(int queue) {
        synchronized (XskProgram.class) {
            libbpf.mapDeleteInt(xsksMapFd, queue);
            if (--sockets == 0) detach();
        }
    }

    private void detach() {
        ATTACHED.remove(key);
        List<RuntimeException> failures = new ArrayList<>();
        Umem.run(failures, () -> Libc.close(linkFd));
        Umem.run(failures, () -> libbpf.objectClose(object));
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    static Path objectFile() {
        List<String> dirs = new ArrayList<>();
        String env = System.getenv(OBJECT_PATH_ENV);
        if (env != null && !env.isBlank()) dirs.add(env);
        dirs.addAll(OBJECT_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, OBJECT_FILE);
            if (Files.isReadable(candidate)) return candidate;
        }
        throw new NativeCallException("find " + OBJECT_FILE + " in " + dirs, Errno.ENOENT,
                "install libxdp1, which ships it, or point " + OBJECT_PATH_ENV + " at its directory");
    }

    /** The identity of the calling thread's network namespace ("net:[4026531840]"). */
    private static String currentNetns() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell which network namespace this thread is in", e);
        }
    }

    @Override
    public String toString() {
        return "XskProgram[" + interfaceName + ", " + sockets + " sockets]";
    }

    /** One socket's slot in the program's XSKMAP. */
    static final class Registration implements AutoCloseable {
        private final XskProgram program;
        private final int queue;
        private boolean closed;

        private Registration(XskProgram program, int queue) {
            this.program = program;
            this.queue = queue;
        }

        /** Removes the socket from the XSKMAP; the last one out detaches the program. Idempotent. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            program.unregister(queue);
        }
    }
}
