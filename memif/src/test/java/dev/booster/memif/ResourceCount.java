package dev.booster.memif;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What memif holds in this process: memif memfds and their mappings, eventfds, UNIX sockets. A test snapshots it
 * before and checks everything came back after, which is how "no shared memory leak" is tested.
 */
record ResourceCount(long memfds, long mappings, long eventfds, long sockets) {

    static ResourceCount now() {
        long memfds = 0, eventfds = 0, sockets = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while listing (e.g. the directory stream itself)
                }
                if (target.startsWith("/memfd:memif region")) memfds++;
                else if (target.equals("anon_inode:[eventfd]")) eventfds++;
                else if (target.startsWith("socket:")) sockets++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long mappings;
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            mappings = lines.filter(line -> line.contains("/memfd:memif region")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ResourceCount(memfds, mappings, eventfds, sockets);
    }

    /** Waits (teardown after a peer leaves is asynchronous) until the counts are back to {@code before}, then checks. */
    static void assertBackTo(ResourceCount before) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        ResourceCount now = now();
        while (!now.equals(before) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = now();
        }
        assertEquals(before, now, "memif resources (memfds, mappings, eventfds, sockets) after the test");
    }
}
