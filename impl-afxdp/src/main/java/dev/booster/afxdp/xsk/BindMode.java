package dev.booster.afxdp.xsk;

/** How the kernel moves frames between the driver and the UMEM. */
public enum BindMode {
    /** Zero-copy when the driver supports it, copy otherwise (veth, most virtual devices). */
    AUTO,
    /** The kernel copies each frame (XDP_COPY): works on every device. */
    COPY,
    /** The driver DMAs straight into the UMEM (XDP_ZEROCOPY); fails on drivers without support. */
    ZERO_COPY
}
