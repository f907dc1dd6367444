package dev.booster.afxdp.xsk;

import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.afxdp.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.afxdp.ffi.NativeCallException;

import java.util.Optional;

/** Whether this host can run AF_XDP sockets, found out by doing: load the libraries, open an AF_XDP socket. */
public final class AfXdpSupport {
    private AfXdpSupport() {
    }

    /** Empty when AF_XDP sockets can be opened here; otherwise why not and what to do. Never throws. */
    public static Optional<String> unavailableReason() {
        Optional<String> library = Libxdp.unavailableReason().or(Libbpf::unavailableReason);
        if (library.isPresent()) return library;
        try {
            Libc.close(Libc.socket(Libc.AF_XDP, Libc.SOCK_RAW, 0, "AF_XDP, SOCK_RAW"));
            return Optional.empty();
        } catch (NativeCallException e) {
            return Optional.of(e.getMessage());
        }
    }
}
