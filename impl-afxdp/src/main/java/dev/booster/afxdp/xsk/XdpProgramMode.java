package dev.booster.afxdp.xsk;

/** Who puts an XDP program on the interface to redirect its queues' frames into the sockets. */
public enum XdpProgramMode {
    /**
     * Booster loads libxdp's default AF_XDP program ({@code xsk_def_xdp_prog.o}) itself, once per interface,
     * attaches it through a BPF link and detaches it when the last socket on the interface closes. Needs no
     * bpffs, leaks nothing, and detaches the right interface whichever namespace the closing thread is in.
     */
    BOOSTER,
    /**
     * libxdp loads and attaches its default program (through its multi-program dispatcher when a bpffs is
     * mounted), sharing it with other processes. libxdp 1.3.1 leaks a map and a program descriptor per socket
     * (fixed upstream), and detaches by interface index in the closing thread's namespace.
     */
    LIBXDP,
    /** Nothing is attached: the caller's own XDP program redirects into an XSKMAP that holds {@link XskSocket#fd()}. */
    NONE
}
