package dev.booster.dpdk.eal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class EalOptionsTest {

    @Test
    void withoutHugepagesEalTakesOrdinaryMemoryAndSharesNothing() {
        List<String> args = EalOptions.defaults().arguments("booster-42", false, "0-1");
        assertEquals(List.of("booster", "--file-prefix", "booster-42", "--no-telemetry", "--lcores", "0@(0-1)",
                "--no-huge", "--no-shconf", "-m", "512", "--no-pci"), args);
    }

    @Test
    void withHugepagesEalRunsInMemory() {
        List<String> args = EalOptions.defaults().arguments("booster-42", true, "0-3");
        assertTrue(args.contains("--in-memory"));
        assertFalse(args.contains("--no-huge"));
        assertFalse(args.contains("-m"));
    }

    @Test
    void explicitChoicesWin() {
        EalOptions options = new EalOptions(1024, EalOptions.Hugepages.OFF, Optional.of("0@1"), List.of("0000:03:00.0"), List.of("--log-level=pmd.net.*:debug"));
        List<String> args = options.arguments("p", true, "0-3");
        assertEquals(List.of("booster", "--file-prefix", "p", "--no-telemetry", "--lcores", "0@1", "--no-huge", "--no-shconf", "-m", "1024",
                "-a", "0000:03:00.0", "--log-level=pmd.net.*:debug"), args);
    }

    @Test
    void tooLittleMemoryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EalOptions(8, EalOptions.Hugepages.AUTO, Optional.empty(), List.of(), List.of()));
    }
}
