package dev.booster.vpp.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Generates Java records and codecs for VPP's binary API from {@code .api.json} files.
 *
 * <pre>
 * VppCodegen --api-dir DIR --output DIR --package PKG [--registry CLASS] [--api-version NAME]
 *            --files memclnt,vpe,interface|all
 * </pre>
 * The API version (default: the API directory's name, e.g. {@code v26.06}) is recorded in the registry, for
 * error messages about version skew.
 * Writes one file per message and type into {@code OUTPUT/PKG-as-path}, plus the registry class listing them;
 * files whose content did not change are left untouched (so the compiler's staleness check holds), and Java files
 * no longer generated are deleted from that package directory.
 */
public final class VppCodegen {

    private VppCodegen() {
    }

    public static void main(String[] args) {
        Map<String, String> options = options(args);
        Path apiDir = Path.of(required(options, "api-dir"));
        Path output = Path.of(required(options, "output"));
        String packageName = required(options, "package");
        String registry = options.getOrDefault("registry", "VppApi");
        List<String> files = Arrays.stream(required(options, "files").split("[,\\s]+")).filter(s -> !s.isBlank())
                .toList();
        String apiVersion = options.getOrDefault("api-version", apiDir.toAbsolutePath().normalize().getFileName()
                .toString());
        long started = System.nanoTime();
        Result result = generate(apiDir, files, output, packageName, registry, apiVersion);
        System.out.printf("booster-vpp-codegen: %d Java files (%d changed) from %d API files in %d ms -> %s%n",
                result.files(), result.changed(), result.apiFiles(), (System.nanoTime() - started) / 1_000_000,
                result.directory());
    }

    /** What one run did. */
    public record Result(Path directory, int apiFiles, int files, int changed) {
    }

    /** Generates into {@code output}; see the class comment. */
    public static Result generate(Path apiDir, List<String> files, Path output, String packageName, String registry,
                                  String apiVersion) {
        ApiDefinitions api = ApiDefinitions.read(apiDir, files);
        Map<String, String> sources = new JavaEmitter(api, packageName).emitAll(registry, apiVersion);
        Path directory = output.resolve(packageName.replace('.', '/'));
        int changed = 0;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> existing = Files.list(directory)) {
                for (Path stale : existing.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> !sources.containsKey(p.getFileName().toString())).toList()) {
                    Files.delete(stale);
                }
            }
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = directory.resolve(source.getKey());
                byte[] content = source.getValue().getBytes(StandardCharsets.UTF_8);
                if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
                    Files.write(file, content);
                    changed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write generated sources to " + directory, e);
        }
        return new Result(directory, api.files().size(), sources.size(), changed);
    }

    /** File name → Java source, without writing anything. */
    public static Map<String, String> sources(Path apiDir, List<String> files, String packageName, String registry,
                                              String apiVersion) {
        ApiDefinitions api = ApiDefinitions.read(apiDir, files);
        return new JavaEmitter(api, packageName).emitAll(registry, apiVersion);
    }

    /**
     * The kinds of construct the files use (see {@code ConstructCensus}): what generating them exercises. A test
     * compares the whole API's census with the generated set's.
     */
    public static java.util.SortedSet<String> constructs(Path apiDir, List<String> files) {
        return ConstructCensus.of(ApiDefinitions.read(apiDir, files));
    }

    /** The constructs each message ({@code "message NAME"}) and type ({@code "type NAME"}) of the files uses. */
    public static Map<String, java.util.SortedSet<String>> constructsByDefinition(Path apiDir, List<String> files) {
        return ConstructCensus.byDefinition(ApiDefinitions.read(apiDir, files));
    }

    /**
     * Like {@link #sources(Path, List, String, String, String)} for only some definitions of the files
     * ({@code "message NAME"}, {@code "type NAME"}) and what they need.
     */
    public static Map<String, String> sources(Path apiDir, List<String> files, java.util.Collection<String> definitions,
                                              String packageName, String registry, String apiVersion) {
        ApiDefinitions api = ApiDefinitions.read(apiDir, files).restrictTo(definitions);
        return new JavaEmitter(api, packageName).emitAll(registry, apiVersion);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'; usage:"
                        + " VppCodegen --api-dir DIR --output DIR --package PKG [--registry CLASS] [--api-version NAME]"
                        + " --files a,b|all");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + name + "; usage: VppCodegen --api-dir DIR --output DIR"
                    + " --package PKG [--registry CLASS] --files a,b|all");
        }
        return value;
    }
}
