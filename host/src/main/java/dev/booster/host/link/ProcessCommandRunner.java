package dev.booster.host.link;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link CommandRunner} over {@link ProcessBuilder}: stdin empty, stdout and stderr read concurrently so neither pipe fills up. */
final class ProcessCommandRunner implements CommandRunner {
    static final ProcessCommandRunner INSTANCE = new ProcessCommandRunner();
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration READER_GRACE = Duration.ofSeconds(2);

    private ProcessCommandRunner() {
    }

    @Override
    public CommandResult run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        } catch (IOException e) {
            throw new CommandFailedException(command, -1, "could not start: " + e.getMessage());
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), stdout));
        Thread errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), stderr));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Children first: a grandchild (sh -c "...; sleep") would keep the pipes open after its parent died.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
                awaitReaders(outReader, errReader);
                throw new CommandFailedException(command, -1, "killed after " + timeout.toMillis() + " ms; stderr so far: "
                        + stderr.toString(StandardCharsets.UTF_8));
            }
            awaitReaders(outReader, errReader);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(command, -1, "interrupted while waiting");
        }
        return new CommandResult(command, process.exitValue(), stdout.toString(StandardCharsets.UTF_8),
                stderr.toString(StandardCharsets.UTF_8));
    }

    /** A background process the command left behind may hold the pipes open forever: read what came, then move on. */
    private static void awaitReaders(Thread... readers) throws InterruptedException {
        for (Thread reader : readers) {
            reader.join(READER_GRACE);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
