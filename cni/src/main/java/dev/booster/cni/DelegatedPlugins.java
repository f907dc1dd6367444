package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs delegated plugins (IPAM) the way SPEC.md section 4 says a plugin must: the binary is looked up in
 * {@code CNI_PATH}, run with the same environment the plugin got ({@code CNI_COMMAND} set to the delegated command)
 * and the network configuration on stdin; its stdout is the answer, its stderr goes to the log.
 */
final class DelegatedPlugins {
    private static final System.Logger LOG = System.getLogger(DelegatedPlugins.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_OUTPUT = 1 << 20;

    private final Duration timeout;
    /** VERSION answers by binary, refreshed when the file changes (a plugin upgrade). */
    private final Map<Path, Versions> versions = new ConcurrentHashMap<>();

    private record Versions(FileTime modified, List<String> supported) {
    }

    /** What a delegated plugin did: exit code, stdout, stderr. */
    record Invocation(Path binary, int exitCode, String stdout, String stderr) {
    }

    DelegatedPlugins(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The executable {@code type} in the first directory of {@code cniPath} that has it.
     *
     * @throws CniException code 4 naming CNI_PATH when it is empty, code 7 naming {@code field} when no directory has it
     */
    Path find(String type, List<Path> cniPath, String field, String version) {
        if (cniPath.isEmpty()) {
            throw new CniException(version, CniError.INVALID_ENVIRONMENT, "CNI_PATH is not set",
                    "booster-cni runs the IPAM plugin " + type + " from CNI_PATH; set it to the plugin directories, e.g. /opt/cni/bin:/usr/lib/cni");
        }
        for (Path dir : cniPath) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate;
        }
        throw new CniException(version, CniError.INVALID_CONFIG, "invalid network configuration: " + field + " \"" + type
                + "\" is not an executable in CNI_PATH " + cniPath, "install the plugin (Debian: containernetworking-plugins) or fix " + field);
    }

    /** Runs {@code binary} with {@code environment} and {@code stdin}. */
    Invocation run(Path binary, Map<String, String> environment, byte[] stdin, String version) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CniException(version, CniError.DELEGATE_FAILED, "cannot run " + binary, e.getMessage());
        }
        FutureTask<byte[]> stderr = new FutureTask<>(() -> readLimited(process.getErrorStream()));
        Thread.ofVirtual().name("cni-delegate-stderr").start(stderr);
        FutureTask<byte[]> stdout = new FutureTask<>(() -> readLimited(process.getInputStream()));
        Thread.ofVirtual().name("cni-delegate-stdout").start(stdout);
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // A plugin may exit without reading stdin (e.g. on a usage error); its answer says why.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CniException(version, CniError.TRY_AGAIN_LATER, binary + " " + environment.get("CNI_COMMAND")
                        + " did not finish within " + timeout.toMillis() + " ms", "it was killed; retry later");
            }
            String out = new String(get(stdout), StandardCharsets.UTF_8);
            String err = new String(get(stderr), StandardCharsets.UTF_8);
            if (!err.isBlank()) LOG.log(System.Logger.Level.INFO, binary + " " + environment.get("CNI_COMMAND") + " (stderr): " + err.strip());
            return new Invocation(binary, process.exitValue(), out, err);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CniException(version, CniError.TRY_AGAIN_LATER, "interrupted while " + binary + " ran", "retry");
        }
    }

    /**
     * The versions {@code binary} supports, asked with VERSION once per binary (and again when the file changes).
     * A plugin that cannot answer is taken to support no version, so the caller's negotiation names it.
     */
    List<String> supportedVersions(Path binary, Map<String, String> environment, String version) {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(binary);
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        Versions known = versions.get(binary);
        if (known != null && known.modified().equals(modified)) return known.supported();
        Map<String, String> env = new java.util.LinkedHashMap<>(environment);
        env.put("CNI_COMMAND", "VERSION");
        Invocation answer = run(binary, env, ("{\"cniVersion\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8), version);
        List<String> supported = new ArrayList<>();
        if (answer.exitCode() == 0) {
            try {
                for (JsonNode v : JSON.readTree(answer.stdout()).path("supportedVersions")) supported.add(v.asText());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, binary + " VERSION printed no JSON: " + answer.stdout());
            }
        }
        versions.put(binary, new Versions(modified, List.copyOf(supported)));
        return supported;
    }

    /** The error a failed delegated plugin printed, or a Booster error saying that it printed none. */
    static CniError errorOf(Invocation failed, String version, String what) {
        try {
            JsonNode json = JSON.readTree(failed.stdout());
            if (json != null && json.isObject() && json.has("code")) {
                return new CniError(version, json.path("code").asInt(CniError.DELEGATE_FAILED),
                        what + ": " + json.path("msg").asText(""), json.path("details").asText(""));
            }
        } catch (IOException e) {
            // not JSON: reported below
        }
        return new CniError(version, CniError.DELEGATE_FAILED, what + " failed with exit code " + failed.exitCode()
                + " and printed no CNI error", ("stdout: " + failed.stdout().strip() + "; stderr: " + failed.stderr().strip()).strip());
    }

    static Optional<JsonNode> json(Invocation ok) {
        try {
            return Optional.ofNullable(JSON.readTree(ok.stdout()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] all = in.readNBytes(MAX_OUTPUT);
        in.transferTo(OutputStream.nullOutputStream());
        return all;
    }

    private static byte[] get(Future<byte[]> output) throws InterruptedException {
        try {
            return output.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The plugin has exited; a stream that cannot be read (or is held open by a child) is reported as empty.
            return new byte[0];
        }
    }
}
