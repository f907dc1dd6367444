package dev.booster.afxdp.bpf;

import dev.booster.afxdp.bpf.BpfAssembler.Condition;
import dev.booster.afxdp.bpf.BpfAssembler.Size;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static dev.booster.afxdp.bpf.Register.*;
import static org.junit.jupiter.api.Assertions.*;

/** Encodings checked against what clang/llvm-objdump emit for the same instructions (struct bpf_insn, little-endian). */
class BpfAssemblerTest {
    private static String hex(BpfAssembler a) {
        return HexFormat.of().formatHex(a.assemble());
    }

    @Test
    void encodesMovesAndArithmetic() {
        assertEquals("bf16000000000000", hex(new BpfAssembler().mov(R6, R1)));          // r6 = r1
        assertEquals("b700000002000000", hex(new BpfAssembler().mov(R0, 2)));           // r0 = 2
        assertEquals("0704000022000000", hex(new BpfAssembler().add(R4, 34)));          // r4 += 34
        assertEquals("07020000ecffffff", hex(new BpfAssembler().add(R2, -20)));         // r2 += -20
        assertEquals("0f32000000000000", hex(new BpfAssembler().add(R2, R3)));          // r2 += r3
    }

    @Test
    void encodesLoadsAndStores() {
        assertEquals("6112040000000000", hex(new BpfAssembler().ldx(Size.W, R2, R1, 4)));     // r2 = *(u32 *)(r1 + 4)
        assertEquals("69250c0000000000", hex(new BpfAssembler().ldx(Size.H, R5, R2, 12)));    // r5 = *(u16 *)(r2 + 12)
        assertEquals("7b1af8ff00000000", hex(new BpfAssembler().stx(Size.DW, FP, -8, R1)));   // *(u64 *)(r10 - 8) = r1
        assertEquals("620af8ff20000000", hex(new BpfAssembler().st(Size.W, FP, -8, 32)));     // *(u32 *)(r10 - 8) = 32
    }

    @Test
    void encodesCallsExitAndMapLoads() {
        assertEquals("8500000033000000", hex(new BpfAssembler().call(51)));             // call bpf_redirect_map
        assertEquals("9500000000000000", hex(new BpfAssembler().exit()));
        // r1 = map fd 7: opcode 0x18, src_reg BPF_PSEUDO_MAP_FD, then an empty second half
        BpfAssembler load = new BpfAssembler().loadMapFd(R1, 7);
        assertEquals(2, load.size());
        assertEquals("1811000007000000" + "0000000000000000", hex(load));
    }

    @Test
    void resolvesForwardAndBackwardLabelsRelativeToTheNextInstruction() {
        BpfAssembler a = new BpfAssembler()
                .label("top")
                .jmp(Condition.JGT, R4, R3, "end")    // pc 0 -> 3: offset 2
                .loadMapFd(R1, 1)                     // pc 1, 2
                .label("end")
                .jmp(Condition.JEQ, R5, 8, "top")     // pc 3 -> 0: offset -4
                .ja("end");                           // pc 4 -> 3: offset -2
        String code = hex(a);
        assertEquals("2d34020000000000", code.substring(0, 16));
        assertEquals("1505fcff08000000", code.substring(48, 64));
        assertEquals("0500feff00000000", code.substring(64, 80));
    }

    @Test
    void refusesUndefinedAndDuplicateLabels() {
        BpfAssembler a = new BpfAssembler().ja("nowhere").exit();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::assemble);
        assertTrue(e.getMessage().contains("\"nowhere\""), e.getMessage());
        BpfAssembler b = new BpfAssembler().label("x");
        assertThrows(IllegalArgumentException.class, () -> b.label("x"));
    }

    @Test
    void refusesJumpsBeyondSixteenBits() {
        BpfAssembler far = new BpfAssembler().ja("far");
        for (int i = 0; i < Short.MAX_VALUE; i++) far.mov(R0, 0);
        far.label("far").exit();                      // offset exactly 32767: still fits
        assertEquals("0500ff7f00000000", hex(far).substring(0, 16));
        BpfAssembler tooFar = new BpfAssembler().ja("far");
        for (int i = 0; i <= Short.MAX_VALUE; i++) tooFar.mov(R0, 0);
        tooFar.label("far").exit();                   // offset 32768
        IllegalStateException e = assertThrows(IllegalStateException.class, tooFar::assemble);
        assertTrue(e.getMessage().contains("32768"), e.getMessage());
    }

    @Test
    void refusesMemoryOffsetsBeyondSixteenBits() {
        assertThrows(IllegalArgumentException.class, () -> new BpfAssembler().ldx(Size.W, R0, R1, 40_000));
    }

    @Test
    void uplinkProgramBranchesOnEthertypesAsLoadedLittleEndian() {
        byte[] code = UplinkProgram.bytecode(3, 4, 5, 6, 7);
        assertEquals(0, code.length % BpfAssembler.INSTRUCTION_SIZE);
        String hex = HexFormat.of().formatHex(code);
        assertTrue(java.util.regex.Pattern.compile("^(.{16})*1505....08000000").matcher(hex).find(), "if r5 == 0x0008 (IPv4): " + hex);
        assertTrue(java.util.regex.Pattern.compile("^(.{16})*1505....86dd0000").matcher(hex).find(), "if r5 == 0xdd86 (IPv6): " + hex);
        assertTrue(hex.contains("1811000003000000") && hex.contains("1811000004000000") && hex.contains("1811000005000000")
                && hex.contains("1811000006000000") && hex.contains("1811000007000000"), "all five maps");
        assertTrue(java.util.regex.Pattern.compile("^(.{16})*1505....12b50000").matcher(hex).find(), "if r5 == 0xb512 (UDP port 4789): " + hex);
        assertTrue(java.util.regex.Pattern.compile("^(.{16})*5505....11940000").matcher(hex).find(), "if r5 != 0x9411 (UDP port 4500): " + hex);
        assertTrue(hex.endsWith("b700000002000000" + "9500000000000000"), "falls back to XDP_PASS");
    }

    @Test
    void lpmKeysArePrefixLengthThenNetworkOrderAddress() {
        assertEquals("100000000a4d0000", HexFormat.of().formatHex(UplinkProgram.lpmKey(dev.booster.api.net.IpPrefix.parse("10.77.0.0/16"))));
        assertEquals("40000000fd000000000000000000000000000000",
                HexFormat.of().formatHex(UplinkProgram.lpmKey(dev.booster.api.net.IpPrefix.parse("fd00::/64"))));
    }
}
