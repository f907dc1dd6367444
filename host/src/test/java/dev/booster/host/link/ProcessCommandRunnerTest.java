package dev.booster.host.link;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessCommandRunnerTest {
    private final CommandRunner runner = CommandRunner.processes();

    @Test
    void capturesExitCodeAndBothStreams() {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertEquals(3, result.exitCode());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        CommandFailedException e = assertThrows(CommandFailedException.class, result::orThrow);
        assertEquals("`sh -c echo out; echo err >&2; exit 3` failed with exit code 3: err", e.getMessage());
    }

    @Test
    void largeOutputDoesNotBlockTheChild() {
        CommandResult result = runner.run(List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; head -c 200000 /dev/zero >&2"),
                Duration.ofSeconds(10));
        assertEquals(0, result.exitCode());
        assertEquals(1_000_000, result.stdout().length());
        assertEquals(200_000, result.stderr().length());
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilled() {
        long start = System.nanoTime();
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(List.of("sh", "-c", "echo starting >&2; sleep 20"), Duration.ofMillis(300)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "did not wait for the sleep");
        assertTrue(e.getMessage().contains("killed after 300 ms"), e.getMessage());
        assertEquals(-1, e.exitCode());
    }

    @Test
    void aMissingProgramIsReportedAsSuch() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(List.of("booster-no-such-binary"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("could not start"), e.getMessage());
    }
}
