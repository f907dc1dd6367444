package dev.booster.afxdp.bpf;

/**
 * eBPF registers: R0 return value, R1..R5 helper arguments (clobbered by calls), R6..R9 kept across calls,
 * R10 the read-only frame pointer (the stack grows down from it, 512 bytes).
 */
public enum Register {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    /** The frame pointer. */
    public static final Register FP = R10;

    public int number() {
        return ordinal();
    }

    static Register of(int number) {
        return values()[number];
    }
}
