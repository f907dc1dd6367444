package dev.booster.afxdp.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes eBPF bytecode (the kernel's {@code struct bpf_insn}: opcode, dst/src register nibbles, 16-bit offset, 32-bit
 * immediate, little-endian) with named helpers and forward labels, so small XDP programs need no clang. Jumps take a
 * label; {@link #assemble()} resolves every label into the 16-bit offset relative to the next instruction and refuses
 * unknown labels and offsets beyond ±32767 instructions.
 *
 * <p>Only the instructions Booster's programs use are here; each helper names what the kernel calls it.
 */
public final class BpfAssembler {
    /** Bytes per instruction slot; a 64-bit immediate load takes two. */
    public static final int INSTRUCTION_SIZE = 8;

    // Instruction classes, sizes, modes and operations from <linux/bpf.h> / <linux/bpf_common.h>.
    static final int CLASS_LD = 0x00, CLASS_LDX = 0x01, CLASS_ST = 0x02, CLASS_STX = 0x03, CLASS_JMP = 0x05, CLASS_ALU64 = 0x07;
    static final int MODE_IMM = 0x00, MODE_MEM = 0x60;
    static final int SOURCE_K = 0x00, SOURCE_X = 0x08;
    static final int ALU_ADD = 0x00, ALU_MOV = 0xb0;
    static final int JMP_JA = 0x00, JMP_CALL = 0x80, JMP_EXIT = 0x90;
    /** {@code src_reg} of a 64-bit immediate load whose immediate is a map's file descriptor. */
    public static final int PSEUDO_MAP_FD = 1;

    /** Access sizes of loads and stores. */
    public enum Size {
        W(0x00, 4), H(0x08, 2), B(0x10, 1), DW(0x18, 8);

        final int code;
        public final int bytes;

        Size(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    /** Conditional jumps (64-bit compare, {@code BPF_JMP} class); the names are the kernel's. */
    public enum Condition {
        JEQ(0x10), JGT(0x20), JGE(0x30), JSET(0x40), JNE(0x50), JSGT(0x60), JSGE(0x70), JLT(0xa0), JLE(0xb0), JSLT(0xc0), JSLE(0xd0);

        final int code;

        Condition(int code) {
            this.code = code;
        }
    }

    private record Slot(int opcode, int dst, int src, int offset, int imm, String target) {
    }

    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /** Marks the next instruction as {@code name}; a label is defined once. */
    public BpfAssembler label(String name) {
        Objects.requireNonNull(name, "name");
        if (labels.putIfAbsent(name, slots.size()) != null) {
            throw new IllegalArgumentException("label \"" + name + "\" is defined twice; give each jump target its own name");
        }
        return this;
    }

    /** {@code dst = src} (64-bit). */
    public BpfAssembler mov(Register dst, Register src) {
        return emit(CLASS_ALU64 | ALU_MOV | SOURCE_X, dst, src, 0, 0);
    }

    /** {@code dst = imm} (sign-extended to 64 bits). */
    public BpfAssembler mov(Register dst, int imm) {
        return emit(CLASS_ALU64 | ALU_MOV | SOURCE_K, dst, Register.R0, 0, imm);
    }

    /** {@code dst += imm} (64-bit). */
    public BpfAssembler add(Register dst, int imm) {
        return emit(CLASS_ALU64 | ALU_ADD | SOURCE_K, dst, Register.R0, 0, imm);
    }

    /** {@code dst += src} (64-bit). */
    public BpfAssembler add(Register dst, Register src) {
        return emit(CLASS_ALU64 | ALU_ADD | SOURCE_X, dst, src, 0, 0);
    }

    /** {@code dst = *(size *)(src + offset)}. */
    public BpfAssembler ldx(Size size, Register dst, Register src, int offset) {
        return emit(CLASS_LDX | MODE_MEM | size.code, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = src}. */
    public BpfAssembler stx(Size size, Register dst, int offset, Register src) {
        return emit(CLASS_STX | MODE_MEM | size.code, dst, src, offset, 0);
    }

    /** {@code *(size *)(dst + offset) = imm}. */
    public BpfAssembler st(Size size, Register dst, int offset, int imm) {
        return emit(CLASS_ST | MODE_MEM | size.code, dst, Register.R0, offset, imm);
    }

    /** {@code dst = map} as the kernel resolves it: a 64-bit immediate load of the map's descriptor (two slots). */
    public BpfAssembler loadMapFd(Register dst, int mapFd) {
        emit(CLASS_LD | MODE_IMM | Size.DW.code, dst, Register.of(PSEUDO_MAP_FD), 0, mapFd);
        return emit(0, Register.R0, Register.R0, 0, 0);
    }

    /** {@code goto target}. */
    public BpfAssembler ja(String target) {
        return jump(CLASS_JMP | JMP_JA, Register.R0, Register.R0, 0, target);
    }

    /** {@code if (dst <condition> imm) goto target}. */
    public BpfAssembler jmp(Condition condition, Register dst, int imm, String target) {
        return jump(CLASS_JMP | condition.code | SOURCE_K, dst, Register.R0, imm, target);
    }

    /** {@code if (dst <condition> src) goto target}. */
    public BpfAssembler jmp(Condition condition, Register dst, Register src, String target) {
        return jump(CLASS_JMP | condition.code | SOURCE_X, dst, src, 0, target);
    }

    /** Calls kernel helper number {@code helper} (arguments in R1..R5, result in R0; R1..R5 are clobbered). */
    public BpfAssembler call(int helper) {
        return emit(CLASS_JMP | JMP_CALL, Register.R0, Register.R0, 0, helper);
    }

    /** Returns R0. */
    public BpfAssembler exit() {
        return emit(CLASS_JMP | JMP_EXIT, Register.R0, Register.R0, 0, 0);
    }

    /** Instruction slots so far (a 64-bit immediate load counts two). */
    public int size() {
        return slots.size();
    }

    /** The program as the kernel takes it: {@link #size()} × 8 bytes, little-endian, every label resolved. */
    public byte[] assemble() {
        ByteBuffer out = ByteBuffer.allocate(slots.size() * INSTRUCTION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < slots.size(); pc++) {
            Slot slot = slots.get(pc);
            int offset = slot.offset;
            if (slot.target != null) {
                Integer at = labels.get(slot.target);
                if (at == null) {
                    throw new IllegalStateException("jump at instruction " + pc + " goes to label \"" + slot.target + "\", which is never defined");
                }
                offset = at - (pc + 1);
                if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
                    throw new IllegalStateException("jump at instruction " + pc + " to \"" + slot.target + "\" spans " + offset
                            + " instructions; eBPF jumps reach " + Short.MIN_VALUE + ".." + Short.MAX_VALUE);
                }
            }
            out.put((byte) slot.opcode);
            out.put((byte) ((slot.src << 4) | slot.dst));
            out.putShort((short) offset);
            out.putInt(slot.imm);
        }
        return out.array();
    }

    private BpfAssembler jump(int opcode, Register dst, Register src, int imm, String target) {
        slots.add(new Slot(opcode, dst.number(), src.number(), 0, imm, Objects.requireNonNull(target, "target")));
        return this;
    }

    private BpfAssembler emit(int opcode, Register dst, Register src, int offset, int imm) {
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " does not fit the 16 bits of an eBPF instruction");
        }
        slots.add(new Slot(opcode, dst.number(), src.number(), offset, imm, null));
        return this;
    }
}
