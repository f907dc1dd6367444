package dev.booster.afxdp.xsk;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.CommandRunner;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creating and closing sockets over and over leaves nothing behind: no veth, no descriptors, no XDP program
 * attached or loaded on our behalf.
 */
@Tag("privileged")
class XskLeakTest {
    private static final int CYCLES = Integer.getInteger("booster.afxdp.leakCycles", 200);
    private static final int WARMUP_CYCLES = 3;
    /** Veth pairs made (and deleted) per `ip -batch` run: one `ip` process per pair would make this test ten times slower. */
    private static final int PAIRS_PER_BATCH = 50;

    private final String prefix = Privileged.uniqueName("l", "");
    private final List<String> created = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        if (prefix.length() + 4 > 15) throw new IllegalStateException(prefix + " leaves no room for a pair number");
    }

    @Test
    void twoHundredOpenCloseCyclesLeakNothing() {
        cycles(0, WARMUP_CYCLES);
        Map<String, Integer> fdsBefore = ProcessResources.openDescriptorKinds();
        long programsHeldBefore = ProcessResources.bpfProgramsHeldByThisProcess();

        cycles(WARMUP_CYCLES, CYCLES);

        String leftovers = CommandRunner.processes().run(List.of("ip", "-br", "link"), Duration.ofSeconds(10)).orThrow().stdout();
        assertFalse(leftovers.contains(prefix), "no test veth is left:\n" + leftovers);
        Map<String, Integer> fdsAfter = ProcessResources.openDescriptorKinds();
        assertEquals(fdsBefore.getOrDefault("socket", 0), fdsAfter.getOrDefault("socket", 0), "sockets open: " + fdsAfter);
        assertEquals(fdsBefore.getOrDefault("bpf", 0), fdsAfter.getOrDefault("bpf", 0), "BPF objects open: " + fdsAfter);
        int totalBefore = fdsBefore.values().stream().mapToInt(Integer::intValue).sum();
        int totalAfter = fdsAfter.values().stream().mapToInt(Integer::intValue).sum();
        // A leak per cycle would show as hundreds; a jar the JVM opens lazily meanwhile shows as one or two.
        assertTrue(totalAfter - totalBefore < 5, "descriptors went from " + fdsBefore + " to " + fdsAfter);
        assertEquals(programsHeldBefore, ProcessResources.bpfProgramsHeldByThisProcess(), "BPF programs this JVM holds (bpftool prog)");
    }

    /** Cycles numbered {@code from} until {@code to}: a fresh veth each, an XSK on it, closed, the veth deleted. */
    private void cycles(int from, int to) {
        for (int start = from; start < to; start += PAIRS_PER_BATCH) {
            List<String> hosts = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + PAIRS_PER_BATCH); i++) hosts.add(prefix + i);
            batch(hosts.stream().map(h -> "link add " + h + " type veth peer name " + h + "p").toList());
            created.addAll(hosts);
            for (String host : hosts) cycle(host);
            deletePairs(hosts);
        }
    }

    @SuppressWarnings("try") // closing the socket early, inside the block, is the point: detach is checked before the UMEM goes
    private void cycle(String host) {
        try (Umem umem = Umem.create(UmemConfig.defaults().withFrameCount(64).withRingSizes(64, 64));
             XskSocket socket = XskSocket.open(umem, host, 0,
                     XskConfig.defaults().withBindMode(BindMode.COPY).withRingSizes(64, 64))) {
            assertEquals(64, socket.refill(64));
            assertNotEquals(0, XdpQuery.attachedProgramId(host), "program attached while the socket is open");
            socket.close();
            assertEquals(0, XdpQuery.attachedProgramId(host), "program detached once the socket closed");
            assertEquals(64, umem.frames().available(), "the frames of the fill ring came back");
        }
    }

    private void deletePairs(List<String> hosts) {
        if (hosts.isEmpty()) return;
        batch(hosts.stream().map(h -> "link del " + h).toList());
        created.removeAll(hosts);
    }

    @AfterEach
    void removeWhatAFailedCycleLeft() {
        // -force: carry on past pairs that are already gone.
        if (!created.isEmpty()) batch(created.stream().map(h -> "link del " + h).toList(), "-force");
        created.clear();
    }

    private static void batch(List<String> ipCommands, String... options) {
        try {
            Path file = Files.createTempFile("booster-leak", ".ip");
            try {
                Files.write(file, ipCommands);
                List<String> command = new ArrayList<>(List.of("ip"));
                command.addAll(List.of(options));
                command.addAll(List.of("-batch", file.toString()));
                CommandResult result = CommandRunner.processes().run(command, Duration.ofSeconds(60));
                if (options.length == 0) result.orThrow();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
