package dev.booster.dpdk.eal;

import dev.booster.dpdk.ffi.Libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * DPDK's log, captured: EAL writes it to stdout and syslog unless given a stream, and Booster gives it a stdio stream
 * over an anonymous in-memory file (memfd). A control call takes a {@link #mark()} before it runs; when it fails, the
 * lines logged since go into the exception, and otherwise to {@link System.Logger} (logger {@code dev.booster.dpdk},
 * level DEBUG), so nothing DPDK says is lost and nothing reaches stdout.
 *
 * <p>The file only grows: DPDK logs a few lines per port added or removed (kilobytes over thousands of pods).
 * Not thread-safe; {@link Eal} serializes its use.
 */
final class EalLog {
    private static final System.Logger LOGGER = System.getLogger("dev.booster.dpdk");
    /** Lines kept for an exception: DPDK's error is among the last it logs. */
    static final int LINES_FOR_ERRORS = 5;

    private final int fd;
    private final MemorySegment stream;
    private final FileChannel reader;
    private long forwarded;

    private EalLog(int fd, MemorySegment stream, FileChannel reader) {
        this.fd = fd;
        this.stream = stream;
        this.reader = reader;
    }

    /** A new memfd and a line-buffered-enough stream over it (flushed before every read). */
    static EalLog open() {
        int fd = Libc.memfdCreate("booster-dpdk-log");
        MemorySegment stream = Libc.fdopen(fd, "w");
        try {
            // The memfd as a file of its own: its own offset, so reading never moves the stream's.
            FileChannel reader = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
            return new EalLog(fd, stream, reader);
        } catch (IOException e) {
            Libc.fclose(stream);
            throw new UncheckedIOException("cannot read back DPDK's log memfd " + fd, e);
        }
    }

    /** The {@code FILE *} to hand to {@code rte_openlog_stream}. */
    MemorySegment stream() {
        return stream;
    }

    int fd() {
        return fd;
    }

    /** Where the log ends now. */
    long mark() {
        Libc.fflush(stream);
        try {
            return reader.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines logged since {@code mark}, oldest first. */
    List<String> since(long mark) {
        long end = mark();
        if (end <= mark) return List.of();
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(end - mark, 1 << 20));
        try {
            reader.read(bytes, mark);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> lines = new ArrayList<>();
        for (String line : new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) lines.add(line.strip());
        }
        return lines;
    }

    /** The last {@link #LINES_FOR_ERRORS} lines since {@code mark}, for an exception. */
    List<String> tail(long mark) {
        List<String> lines = since(mark);
        return lines.subList(Math.max(0, lines.size() - LINES_FOR_ERRORS), lines.size());
    }

    /** Passes what DPDK logged since the last call to the {@code dev.booster.dpdk} logger. */
    void forward() {
        if (LOGGER.isLoggable(System.Logger.Level.DEBUG)) {
            for (String line : since(forwarded)) LOGGER.log(System.Logger.Level.DEBUG, line);
        }
        forwarded = mark();
    }

    /** Everything DPDK logged so far (for diagnostics and tests). */
    List<String> all() {
        return since(0);
    }
}
