package dev.booster.memif;

import dev.booster.api.pod.Memif.Role;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MemifPeerMain} running in its own JVM (same java binary, the test classpath), with its stdout read line by
 * line and its stderr (the memif log) kept in a file for failure messages.
 */
final class PeerProcess implements AutoCloseable {
    private static final Duration STOP = Duration.ofSeconds(5);

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    /** How many intact requests the peer answered per queue, how many it refused, how often a peer connected to it. */
    record Report(long[] ok, long bad, long connections) {
        static Report parse(String line) {
            // report ok=5,5,5 bad=0 connections=1
            String[] fields = line.split(" ");
            long[] ok = Arrays.stream(fields[1].substring("ok=".length()).split(",")).mapToLong(Long::parseLong).toArray();
            return new Report(ok, Long.parseLong(fields[2].substring("bad=".length())), Long.parseLong(fields[3].substring("connections=".length())));
        }
    }

    private PeerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("peer-" + process.pid() + "-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.add(line);
            } catch (IOException e) {
                lines.add("stdout failed: " + e.getMessage());
            }
        });
    }

    /** Starts the peer and waits until its interface is open (a master then listens on {@code socket}). */
    static PeerProcess start(Role role, String socket, int queues, Path logDir) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "--enable-native-access=ALL-UNNAMED",
                // A short-lived helper: start fast, stay small.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), MemifPeerMain.class.getName(),
                role.name(), socket, Integer.toString(queues));
        try {
            Path log = Files.createTempFile(logDir, "peer-", ".log");
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            PeerProcess peer = new PeerProcess(process, log);
            try {
                peer.awaitLine("ready", Duration.ofSeconds(20));
            } catch (RuntimeException | AssertionError e) {
                peer.kill();
                throw e;
            }
            return peer;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** The next stdout line starting with {@code prefix}; fails after {@code timeout} or when the peer ended. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = lines.poll(Math.min(Math.max(left, 0), 100_000_000L), TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) return line;
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    throw new AssertionError("peer " + pid() + " exited (" + process.exitValue() + ") before printing '" + prefix + "'; its log:\n" + log());
                }
                if (left <= 0) throw new AssertionError("peer " + pid() + " printed no '" + prefix + "' within " + timeout + "; its log:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for the peer", e);
        }
    }

    Report report() {
        try {
            commands.write("report\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("peer " + pid() + " does not take commands; its log:\n" + log(), e);
        }
        return Report.parse(awaitLine("report ", Duration.ofSeconds(10)));
    }

    /** SIGKILL: the peer gets no chance to say DISCONNECT, unmap or close anything. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("peer " + pid() + " survived SIGKILL for " + STOP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 6000 ? "...\n" + text.substring(text.length() - 6000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Closes the peer's stdin, which ends it cleanly; kills it if it has not ended within a few seconds. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        try {
            commands.close();
            if (process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) return;
        } catch (IOException e) {
            // stdin already gone: fall through to the kill
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }
}
