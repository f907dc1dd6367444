package dev.booster.afxdp.xsk;

import dev.booster.api.InvalidSpecException;

import java.util.Objects;

/**
 * How to open an {@link XskSocket}: RX and TX ring sizes (powers of two), the bind mode, whether to use the
 * need-wakeup protocol (the kernel says when it must be kicked, sparing a syscall per batch otherwise), who puts
 * the redirecting XDP program on the interface, and in which mode it is attached.
 */
public record XskConfig(int rxRingSize, int txRingSize, BindMode bindMode, boolean needWakeup,
                        XdpProgramMode program, XdpAttachMode attachMode) {
    public static final int DEFAULT_RING_SIZE = 2048;

    public XskConfig {
        UmemConfig.requirePowerOfTwo("rxRingSize", rxRingSize);
        UmemConfig.requirePowerOfTwo("txRingSize", txRingSize);
        if (bindMode == null) throw new InvalidSpecException("bindMode", "is missing; use AUTO, COPY or ZERO_COPY");
        if (program == null) throw new InvalidSpecException("program", "is missing; use BOOSTER, LIBXDP or NONE");
        if (attachMode == null) throw new InvalidSpecException("attachMode", "is missing; use NATIVE or GENERIC");
    }

    /** Rings of 2048, AUTO bind mode, need-wakeup on, Booster's program attached in native mode. */
    public static XskConfig defaults() {
        return new XskConfig(DEFAULT_RING_SIZE, DEFAULT_RING_SIZE, BindMode.AUTO, true, XdpProgramMode.BOOSTER, XdpAttachMode.NATIVE);
    }

    public XskConfig withRingSizes(int rx, int tx) {
        return new XskConfig(rx, tx, bindMode, needWakeup, program, attachMode);
    }

    public XskConfig withBindMode(BindMode mode) {
        return new XskConfig(rxRingSize, txRingSize, Objects.requireNonNull(mode, "mode"), needWakeup, program, attachMode);
    }

    public XskConfig withNeedWakeup(boolean enabled) {
        return new XskConfig(rxRingSize, txRingSize, bindMode, enabled, program, attachMode);
    }

    public XskConfig withProgram(XdpProgramMode mode) {
        return new XskConfig(rxRingSize, txRingSize, bindMode, needWakeup, Objects.requireNonNull(mode, "mode"), attachMode);
    }

    public XskConfig withAttachMode(XdpAttachMode mode) {
        return new XskConfig(rxRingSize, txRingSize, bindMode, needWakeup, program, Objects.requireNonNull(mode, "mode"));
    }
}
