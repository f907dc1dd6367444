package dev.booster.cni.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * An IPAM plugin as a shell script in a temp directory (the directory is the CNI_PATH): it appends each call's
 * {@code CNI_COMMAND CNI_CONTAINERID CNI_IFNAME} and its stdin to a log, and answers ADD with {@link #result}, or
 * fails with {@link #failWith} when set. A real executable run by the code under test, unlike a mock.
 */
public final class FakeIpam {
    public static final String TYPE = "fake-ipam";
    private final Path dir;
    private final Path log;
    private final Path answer;
    private final Path failure;

    public FakeIpam(Path dir) {
        this.dir = dir;
        this.log = dir.resolve("calls.log");
        this.answer = dir.resolve("answer.json");
        this.failure = dir.resolve("failure.json");
        write(dir.resolve(TYPE), """
                #!/bin/sh
                stdin=$(cat)
                printf '%s %s %s %s\\n' "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_IFNAME" "$stdin" >> "$(dirname "$0")/calls.log"
                if [ "$CNI_COMMAND" = VERSION ]; then
                  printf '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"%s]}' "$(cat "$(dirname "$0")/versions" 2>/dev/null)"
                  exit 0
                fi
                if [ -f "$(dirname "$0")/failure.json" ]; then cat "$(dirname "$0")/failure.json"; exit 1; fi
                if [ "$CNI_COMMAND" = ADD ]; then cat "$(dirname "$0")/answer.json"; fi
                exit 0
                """);
        try {
            Files.setPosixFilePermissions(dir.resolve(TYPE), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result("""
                {"cniVersion":"1.0.0","ips":[{"address":"10.22.0.5/24","gateway":"10.22.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.96.0.10"]}}""");
    }

    public Path dir() {
        return dir;
    }

    public void result(String json) {
        write(answer, json);
    }

    public void failWith(String errorJson) {
        write(failure, errorJson);
    }

    /** Makes VERSION list 1.1.0 too, so STATUS and GC are forwarded. */
    public void speak110() {
        write(dir.resolve("versions"), ",\"1.1.0\"");
    }

    /** The calls so far, one line each: command, container id, ifname, stdin; VERSION probes left out. */
    public List<String> calls() {
        try {
            if (!Files.exists(log)) return List.of();
            return Files.readAllLines(log).stream().filter(l -> !l.startsWith("VERSION")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> commands() {
        return calls().stream().map(l -> l.split(" ")[0]).toList();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
