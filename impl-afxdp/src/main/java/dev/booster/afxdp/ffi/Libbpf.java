package dev.booster.afxdp.ffi;

import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.Libc;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.ffi.NativeLibrary;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libbpf calls Booster uses to load libxdp's default AF_XDP program itself and attach it through a BPF link
 * (see {@code dev.booster.afxdp.xsk.XskProgram} for why), plus an XDP query and libbpf's error texts.
 *
 * <p>libbpf 1.x returns {@code -errno} from int functions and NULL (with errno set) from pointer functions; the
 * wrappers turn both into {@link NativeCallException}.
 */
public final class Libbpf {
    public static final NativeLibrary LIBRARY = new NativeLibrary("libbpf.so.1", "libbpf1", "AF_XDP programs and XDP queries need it");
    /** libbpf's own error codes (LIBBPF_ERRNO__*) start here; {@link #strerror} knows their text. */
    public static final int LIBBPF_ERRNO_START = 4000;
    public static final int LIBBPF_ERRNO_END = 4100;
    /** {@code enum bpf_attach_type}: BPF_XDP, for XDP links. */
    public static final int BPF_XDP = 37;
    /** {@code bpf_map_update_elem} flag: create or replace. */
    public static final long BPF_ANY = 0;

    /** The head of {@code struct bpf_link_create_opts} (libbpf reads only what {@code sz} covers). */
    public static final StructLayout BPF_LINK_CREATE_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("flags"),
            MemoryLayout.paddingLayout(4)).withName("bpf_link_create_opts");

    /** {@code enum bpf_prog_type}: BPF_PROG_TYPE_XDP. */
    public static final int BPF_PROG_TYPE_XDP = 6;
    /** {@code enum bpf_map_type}: BPF_MAP_TYPE_HASH. */
    public static final int BPF_MAP_TYPE_HASH = 1;
    /** {@code enum bpf_map_type}: BPF_MAP_TYPE_LPM_TRIE. */
    public static final int BPF_MAP_TYPE_LPM_TRIE = 11;
    /** {@code enum bpf_map_type}: BPF_MAP_TYPE_XSKMAP. */
    public static final int BPF_MAP_TYPE_XSKMAP = 17;
    /** Map flag the kernel demands for LPM tries: entries are allocated on insertion. */
    public static final int BPF_F_NO_PREALLOC = 1;

    /** {@code struct bpf_map_create_opts} as in libbpf 1.1 (libbpf reads only what {@code sz} covers). */
    public static final StructLayout BPF_MAP_CREATE_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("btf_fd"),
            JAVA_INT.withName("btf_key_type_id"),
            JAVA_INT.withName("btf_value_type_id"),
            JAVA_INT.withName("btf_vmlinux_value_type_id"),
            JAVA_INT.withName("inner_map_fd"),
            JAVA_INT.withName("map_flags"),
            JAVA_LONG.withName("map_extra"),
            JAVA_INT.withName("numa_node"),
            JAVA_INT.withName("map_ifindex")).withName("bpf_map_create_opts");

    /** {@code struct bpf_prog_load_opts} as in libbpf 1.1, up to {@code log_buf}. */
    public static final StructLayout BPF_PROG_LOAD_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("attempts"),
            JAVA_INT.withName("expected_attach_type"),
            JAVA_INT.withName("prog_btf_fd"),
            JAVA_INT.withName("prog_flags"),
            JAVA_INT.withName("prog_ifindex"),
            JAVA_INT.withName("kern_version"),
            JAVA_INT.withName("attach_btf_id"),
            JAVA_INT.withName("attach_prog_fd"),
            JAVA_INT.withName("attach_btf_obj_fd"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("fd_array"),
            ADDRESS.withName("func_info"),
            JAVA_INT.withName("func_info_cnt"),
            JAVA_INT.withName("func_info_rec_size"),
            ADDRESS.withName("line_info"),
            JAVA_INT.withName("line_info_cnt"),
            JAVA_INT.withName("line_info_rec_size"),
            JAVA_INT.withName("log_level"),
            JAVA_INT.withName("log_size"),
            ADDRESS.withName("log_buf")).withName("bpf_prog_load_opts");
    /** {@code struct bpf_test_run_opts} as in libbpf 1.x. */
    public static final StructLayout BPF_TEST_RUN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("data_in"),
            ADDRESS.withName("data_out"),
            JAVA_INT.withName("data_size_in"),
            JAVA_INT.withName("data_size_out"),
            ADDRESS.withName("ctx_in"),
            ADDRESS.withName("ctx_out"),
            JAVA_INT.withName("ctx_size_in"),
            JAVA_INT.withName("ctx_size_out"),
            JAVA_INT.withName("retval"),
            JAVA_INT.withName("repeat"),
            JAVA_INT.withName("duration"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("cpu"),
            JAVA_INT.withName("batch_size")).withName("bpf_test_run_opts");
    /** {@code enum bpf_map_type}: BPF_MAP_TYPE_DEVMAP (a redirect target by ifindex; tests of redirecting programs). */
    public static final int BPF_MAP_TYPE_DEVMAP = 14;

    /** Room for the verifier's log of a rejected program (it can be long: every instruction's state). */
    public static final int VERIFIER_LOG_SIZE = 256 * 1024;

    private static final int STRERROR_BUFFER = 256;
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static Libbpf instance;

    static {
        // Only libbpf and libxdp calls (libxdp loads this class first) can return these codes, and only libbpf knows their text.
        Errno.describeLibraryCodes(LIBBPF_ERRNO_START, LIBBPF_ERRNO_END, errno -> {
            String text = unavailableReason().isEmpty() ? load().strerror(errno) : "libbpf error";
            return text + " (LIBBPF_ERRNO " + errno + ")";
        });
    }

    // int bpf_xdp_query_id(int ifindex, int flags, __u32 *prog_id);
    private final MethodHandle bpfXdpQueryId;
    // int libbpf_strerror(int err, char *buf, size_t size);
    private final MethodHandle libbpfStrerror;
    // struct bpf_object *bpf_object__open_file(const char *path, const struct bpf_object_open_opts *opts);
    private final MethodHandle bpfObjectOpenFile;
    // struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name);
    private final MethodHandle bpfObjectFindMapByName;
    // struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj, const char *name);
    private final MethodHandle bpfObjectFindProgramByName;
    // int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);
    private final MethodHandle bpfMapSetMaxEntries;
    // int bpf_object__load(struct bpf_object *obj);
    private final MethodHandle bpfObjectLoad;
    // void bpf_object__close(struct bpf_object *object);
    private final MethodHandle bpfObjectClose;
    // int bpf_program__fd(const struct bpf_program *prog);
    private final MethodHandle bpfProgramFd;
    // int bpf_map__fd(const struct bpf_map *map);
    private final MethodHandle bpfMapFd;
    // int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type attach_type, const struct bpf_link_create_opts *opts);
    private final MethodHandle bpfLinkCreate;
    // int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
    private final MethodHandle bpfMapUpdateElem;
    // int bpf_map_delete_elem(int fd, const void *key);
    private final MethodHandle bpfMapDeleteElem;

    // libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn);
    private final MethodHandle libbpfSetPrint;

    // int bpf_map_create(enum bpf_map_type, const char *name, __u32 key_size, __u32 value_size, __u32 max_entries, const struct bpf_map_create_opts *);
    private final MethodHandle bpfMapCreate;
    // int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);
    private final MethodHandle bpfProgTestRunOpts;
    // int bpf_prog_load(enum bpf_prog_type, const char *name, const char *license, const struct bpf_insn *, size_t insn_cnt, const struct bpf_prog_load_opts *);
    private final MethodHandle bpfProgLoad;

    private Libbpf() {
        libbpfSetPrint = LIBRARY.downcall("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
        bpfMapCreate = LIBRARY.downcall("bpf_map_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        bpfProgLoad = LIBRARY.downcall("bpf_prog_load", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        bpfProgTestRunOpts = LIBRARY.downcall("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        bpfXdpQueryId = LIBRARY.downcall("bpf_xdp_query_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        libbpfStrerror = LIBRARY.downcall("libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        bpfObjectOpenFile = LIBRARY.downcall("bpf_object__open_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
        bpfObjectFindMapByName = LIBRARY.downcall("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
        bpfObjectFindProgramByName = LIBRARY.downcall("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), ERRNO);
        bpfMapSetMaxEntries = LIBRARY.downcall("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        bpfObjectLoad = LIBRARY.downcall("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        bpfObjectClose = LIBRARY.downcall("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        bpfProgramFd = LIBRARY.downcall("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        bpfMapFd = LIBRARY.downcall("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        bpfLinkCreate = LIBRARY.downcall("bpf_link_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        bpfMapUpdateElem = LIBRARY.downcall("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        bpfMapDeleteElem = LIBRARY.downcall("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /**
     * The bindings, loading libbpf on first use (and sending its messages to the {@link LibraryLog} logger
     * {@value LibraryLog#LIBBPF_LOGGER} instead of stderr); the exception names the package when it is missing.
     */
    public static synchronized Libbpf load() {
        if (instance == null) {
            Libbpf loaded = new Libbpf();
            loaded.setPrint(LibraryLog.callback(LibraryLog.LIBBPF_LOGGER));
            instance = loaded;
        }
        return instance;
    }

    /** Installs {@code callback} as libbpf's printer (NULL silences it); returns the one before. */
    MemorySegment setPrint(MemorySegment callback) {
        try {
            return (MemorySegment) libbpfSetPrint.invokeExact(callback);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Empty when libbpf can be used; otherwise why not. Never throws. */
    public static Optional<String> unavailableReason() {
        try {
            load();
            return Optional.empty();
        } catch (NativeLibraryUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The id of the XDP program attached to {@code ifindex} in any mode, 0 when none is; {@code what} names the device. */
    public int xdpQueryId(int ifindex, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progId = arena.allocate(JAVA_INT);
            int rc = (int) bpfXdpQueryId.invokeExact(ifindex, flags, progId);
            check(rc, "bpf_xdp_query_id(" + what + ")");
            return progId.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** libbpf's text for {@code err}, including its own LIBBPF_ERRNO__* codes. */
    public String strerror(int err) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STRERROR_BUFFER);
            int rc = (int) libbpfStrerror.invokeExact(err, buffer, (long) STRERROR_BUFFER);
            return rc == 0 ? buffer.getString(0) : "libbpf error " + err;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Opens (does not load) the BPF object file at {@code path}; returns the {@code struct bpf_object *}. */
    public MemorySegment objectOpenFile(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment object = (MemorySegment) bpfObjectOpenFile.invokeExact(state, arena.allocateFrom(path), MemorySegment.NULL);
            checkPointer(object, state, "bpf_object__open_file(" + path + ")");
            return object;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The map called {@code name} in {@code object}. */
    public MemorySegment objectFindMapByName(MemorySegment object, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment map = (MemorySegment) bpfObjectFindMapByName.invokeExact(state, object, arena.allocateFrom(name));
            checkPointer(map, state, "bpf_object__find_map_by_name(" + name + ")");
            return map;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The program called {@code name} in {@code object}. */
    public MemorySegment objectFindProgramByName(MemorySegment object, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment program = (MemorySegment) bpfObjectFindProgramByName.invokeExact(state, object, arena.allocateFrom(name));
            checkPointer(program, state, "bpf_object__find_program_by_name(" + name + ")");
            return program;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Sets a map's size before the object is loaded; {@code what} names the map. */
    public void mapSetMaxEntries(MemorySegment map, int maxEntries, String what) {
        try {
            check((int) bpfMapSetMaxEntries.invokeExact(map, maxEntries), "bpf_map__set_max_entries(" + what + ", " + maxEntries + ")");
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Creates the object's maps and loads its programs into the kernel (the verifier runs here). */
    public void objectLoad(MemorySegment object, String what) {
        try {
            check((int) bpfObjectLoad.invokeExact(object), "bpf_object__load(" + what + ")");
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Closes the object's program and map descriptors and frees it. */
    public void objectClose(MemorySegment object) {
        try {
            bpfObjectClose.invokeExact(object);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int programFd(MemorySegment program, String what) {
        try {
            int fd = (int) bpfProgramFd.invokeExact(program);
            check(fd, "bpf_program__fd(" + what + ")");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int mapFd(MemorySegment map, String what) {
        try {
            int fd = (int) bpfMapFd.invokeExact(map);
            check(fd, "bpf_map__fd(" + what + ")");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Attaches {@code programFd} to {@code targetFd} (an ifindex for {@link #BPF_XDP}) as a BPF link and returns
     * the link's descriptor: closing it detaches the program, whatever namespace the closing thread is in.
     */
    public int linkCreate(int programFd, int targetFd, int attachType, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(BPF_LINK_CREATE_OPTS);
            opts.set(JAVA_LONG, 0, BPF_LINK_CREATE_OPTS.byteSize());
            opts.set(JAVA_INT, 8, flags);
            int fd = (int) bpfLinkCreate.invokeExact(programFd, targetFd, attachType, opts);
            check(fd, "bpf_link_create(" + what + ")");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code map[key] = value} for int keys and values (an XSKMAP: queue id to socket descriptor). */
    public void mapUpdateInt(int mapFd, int key, int value, String what) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) bpfMapUpdateElem.invokeExact(mapFd, arena.allocateFrom(JAVA_INT, key), arena.allocateFrom(JAVA_INT, value), BPF_ANY);
            check(rc, "bpf_map_update_elem(" + what + ")");
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Deletes {@code map[key]} for an int key; returns the raw result (-ENOENT when there was none). */
    public int mapDeleteInt(int mapFd, int key) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) bpfMapDeleteElem.invokeExact(mapFd, arena.allocateFrom(JAVA_INT, key));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Creates a map and returns its descriptor; {@code name} (at most 15 characters) shows in {@code bpftool map}. */
    public int mapCreate(int type, String name, int keySize, int valueSize, int maxEntries, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(BPF_MAP_CREATE_OPTS);
            opts.set(JAVA_LONG, 0, BPF_MAP_CREATE_OPTS.byteSize());
            opts.set(JAVA_INT, BPF_MAP_CREATE_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("map_flags")), flags);
            int fd = (int) bpfMapCreate.invokeExact(type, arena.allocateFrom(name), keySize, valueSize, maxEntries, opts);
            check(fd, "bpf_map_create(" + name + ", type " + type + ", key " + keySize + " B, value " + valueSize + " B, " + maxEntries + " entries)");
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Loads {@code instructions} (8 bytes each) as a program of {@code type} and returns its descriptor. A program
     * the verifier rejects throws {@link NativeCallException} whose hint is the verifier's log.
     */
    public int programLoad(int type, String name, String license, byte[] instructions) {
        if (instructions.length % 8 != 0) {
            throw new IllegalArgumentException("instructions are " + instructions.length + " bytes, not a multiple of 8 (struct bpf_insn)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = arena.allocate(VERIFIER_LOG_SIZE);
            MemorySegment opts = arena.allocate(BPF_PROG_LOAD_OPTS);
            opts.set(JAVA_LONG, 0, BPF_PROG_LOAD_OPTS.byteSize());
            // log_level 0 with a buffer: libbpf loads quietly and, only if the verifier refuses, loads again with the log on.
            opts.set(JAVA_INT, BPF_PROG_LOAD_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("log_size")), VERIFIER_LOG_SIZE);
            opts.set(ADDRESS, BPF_PROG_LOAD_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("log_buf")), log);
            MemorySegment insns = arena.allocate(instructions.length, 8);
            insns.copyFrom(MemorySegment.ofArray(instructions));
            int fd = (int) bpfProgLoad.invokeExact(type, arena.allocateFrom(name), arena.allocateFrom(license), insns,
                    (long) (instructions.length / 8), opts);
            if (fd < 0) {
                String verifierLog = log.getString(0).strip();
                throw new NativeCallException("bpf_prog_load(" + name + ", " + instructions.length / 8 + " instructions)", -fd,
                        verifierLog.isEmpty() ? "the kernel gave no verifier log" : "verifier log:\n" + verifierLog);
            }
            return fd;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Runs a loaded program once on {@code packet} in the kernel ({@code BPF_PROG_TEST_RUN}) and returns what it
     * returned (for XDP: 2 pass, 4 redirect...). Nothing is sent anywhere.
     */
    public int programTestRun(int programFd, byte[] packet) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(BPF_TEST_RUN_OPTS);
            opts.set(JAVA_LONG, 0, BPF_TEST_RUN_OPTS.byteSize());
            opts.set(ADDRESS, BPF_TEST_RUN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("data_in")),
                    arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, packet));
            opts.set(JAVA_INT, BPF_TEST_RUN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("data_size_in")), packet.length);
            int rc = (int) bpfProgTestRunOpts.invokeExact(programFd, opts);
            check(rc, "bpf_prog_test_run_opts(" + packet.length + "-byte packet)");
            return opts.get(JAVA_INT, BPF_TEST_RUN_OPTS.byteOffset(MemoryLayout.PathElement.groupElement("retval")));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code map[key] = value} with raw key and value bytes. */
    public void mapUpdate(int mapFd, byte[] key, byte[] value, long flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) bpfMapUpdateElem.invokeExact(mapFd, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, key),
                    arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, value), flags);
            check(rc, "bpf_map_update_elem(" + what + ")");
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Deletes {@code map[key]} for raw key bytes; returns the raw result (-ENOENT when there was none). */
    public int mapDelete(int mapFd, byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) bpfMapDeleteElem.invokeExact(mapFd, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, key));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private static void check(int rc, String call) {
        if (rc < 0) throw new NativeCallException(call, -rc);
    }

    private static void checkPointer(MemorySegment pointer, MemorySegment state, String call) {
        if (pointer.address() == 0) {
            int errno = Libc.errno(state);
            throw new NativeCallException(call, errno == 0 ? Errno.ENOENT : errno);
        }
    }
}
