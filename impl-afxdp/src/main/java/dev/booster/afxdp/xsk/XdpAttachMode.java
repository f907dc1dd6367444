package dev.booster.afxdp.xsk;

/** Where libxdp attaches its default XDP program (the one that redirects a queue's frames into the socket). */
public enum XdpAttachMode {
    /** In the driver (XDP_FLAGS_DRV_MODE): fast; veth and most physical NICs have it. */
    NATIVE,
    /** In the generic network stack (XDP_FLAGS_SKB_MODE): works on any device, slower. */
    GENERIC
}
