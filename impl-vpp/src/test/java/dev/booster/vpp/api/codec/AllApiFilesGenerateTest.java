package dev.booster.vpp.api.codec;

import com.sun.source.util.JavacTask;
import dev.booster.vpp.codegen.VppCodegen;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator against every {@code .api.json} of the VPP release, not only the files the build generates. All of
 * them generate. Compiling all ~2300 classes takes a minute, too long for every build, so by default this takes a
 * census of the constructs the whole API uses (field layouts, array element and count types, enum sizes, defaults,
 * headers, service shapes, renamed names...), and for each one the build's set does not use, compiles and
 * round-trips one message or type that does (with what it needs). Together with
 * {@link GeneratedBinapiRoundTripTest}, every construct of the whole API is compiled and round-tripped. The full
 * compile and round trip of everything runs with {@code -Dbooster.vpp.compileAllApiFiles=true}.
 */
class AllApiFilesGenerateTest {

    private static final Path API_DIR = Path.of(System.getProperty("booster.vpp.apiDir", "vpp-api/v26.06"));
    private static final List<String> GENERATED_FILES = Arrays.asList(System.getProperty("booster.vpp.apiFiles",
            "memclnt,vlib,vpe,interface,ip,ip_neighbor,tapv2,af_packet,memif,acl,npol,ipsec,ipip,ikev2,wireguard,cnat")
            .split(","));
    private static final String PACKAGE = "dev.booster.vpp.binapi.all";
    private static final String REGISTRY = "VppBinapiAll";

    @Test
    void everyApiFileGenerates() throws IOException {
        Map<String, String> sources = VppCodegen.sources(API_DIR, List.of("all"), PACKAGE, REGISTRY, "v26.06");
        assertTrue(sources.size() > 2000, "generated " + sources.size() + " files");
        assertTrue(sources.get(REGISTRY + ".java").contains("SwInterfaceDump.TYPE"));
    }

    @Test
    void whatTheGeneratedSetDoesNotUseCompilesAndRoundTripsFromDefinitionsThatUseIt(@TempDir Path classes)
            throws Exception {
        Map<String, SortedSet<String>> byDefinition = VppCodegen.constructsByDefinition(API_DIR, List.of("all"));
        SortedSet<String> missing = new TreeSet<>();
        byDefinition.values().forEach(missing::addAll);
        SortedSet<String> exercised = VppCodegen.constructs(API_DIR, GENERATED_FILES);
        assertTrue(exercised.size() > 40, "census of the generated set: " + exercised);
        missing.removeAll(exercised);
        Set<String> examples = new TreeSet<>();
        for (String construct : missing) {
            examples.add(byDefinition.entrySet().stream().filter(e -> e.getValue().contains(construct))
                    .map(Map.Entry::getKey).findFirst().orElseThrow());
        }
        assertTrue(examples.size() <= missing.size());
        Map<String, String> sources = VppCodegen.sources(API_DIR, List.of("all"), examples, PACKAGE, REGISTRY,
                "v26.06");
        assertTrue(missing.isEmpty() || sources.size() > 1, "nothing generated for " + missing);
        compileAndRoundTrip(sources, classes, 20);
    }

    @Test
    void everyApiFileCompilesAndRoundTrips(@TempDir Path classes) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("booster.vpp.compileAllApiFiles"),
                "compiling all ~2300 generated classes takes about a minute: run with"
                        + " -Dbooster.vpp.compileAllApiFiles=true");
        compileAndRoundTrip(VppCodegen.sources(API_DIR, List.of("all"), PACKAGE, REGISTRY, "v26.06"), classes, 5);
    }

    private void compileAndRoundTrip(Map<String, String> sources, Path classes, int seeds) throws Exception {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled = javac(sources, List.of("-proc:none", "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path")), diagnostics).call();
        assertEquals(List.of(), errors(diagnostics));
        assertTrue(compiled);
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> registry = loader.loadClass(PACKAGE + "." + REGISTRY);
            List<VppMessageType<?>> messages = list(registry, "messages");
            for (long seed = 1; seed <= seeds; seed++) {
                List<String> failures = GeneratedCodecRoundTrip.check(seed, messages, list(registry, "structs"),
                        list(registry, "unions"), list(registry, "enums"));
                assertEquals(List.of(), failures.stream().limit(5).toList(), failures.size() + " failures, seed " + seed);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Class<?> registry, String method) throws ReflectiveOperationException {
        Method getter = registry.getMethod(method);
        return (List<T>) getter.invoke(null);
    }

    private static JavacTask javac(Map<String, String> sources, List<String> options,
                                   DiagnosticCollector<JavaFileObject> diagnostics) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> files = new ArrayList<>();
        sources.forEach((name, source) -> files.add(new SimpleJavaFileObject(
                URI.create("string:///" + PACKAGE.replace('.', '/') + "/" + name), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        return (JavacTask) compiler.getTask(null, null, diagnostics, options, null, files);
    }

    private static List<String> errors(DiagnosticCollector<JavaFileObject> diagnostics) {
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .limit(10).map(Object::toString).toList();
    }
}
