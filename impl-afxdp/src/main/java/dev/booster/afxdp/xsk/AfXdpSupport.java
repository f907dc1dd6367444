package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.ffi.NativeLibraryUnavailableException;

import java.util.Optional;

/**
 * Whether this host can run AF_XDP sockets, found out by doing: load the libraries, find the XDP program Booster
 * attaches, open an AF_XDP socket.
 */
public final class AfXdpSupport {
    private AfXdpSupport() {
    }

    /** Empty when AF_XDP sockets can be opened here; otherwise why not and what to do. Never throws. */
    public static Optional<String> unavailableReason() {
        return problem().map(RuntimeException::getMessage);
    }

    /**
     * Empty when AF_XDP sockets can be opened here; otherwise the failure seen (its message says what to do): a
     * {@link NativeLibraryUnavailableException} or a {@link NativeCallException}. Never throws.
     */
    public static Optional<RuntimeException> problem() {
        try {
            Libxdp.load();
            Libbpf.load();
            XskProgram.objectFile();
            Libc.close(Libc.socket(Libc.AF_XDP, Libc.SOCK_RAW, 0, "AF_XDP, SOCK_RAW"));
            return Optional.empty();
        } catch (NativeLibraryUnavailableException | NativeCallException e) {
            return Optional.of(e);
        }
    }
}
