package dev.booster.memif;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Java layouts of the wire messages, descriptors and rings against the C structs: against the numbers read off
 * the header, and against what gcc makes of a C transcription of it (packing, bit-fields, cache-line marks).
 */
class MemifLayoutTest {

    /** Every offset and size the protocol fixes, as the Java side computes them, named as memif_layout.c prints them. */
    static Map<String, Long> javaLayout() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("msg.size", MessageCodec.MESSAGE.byteSize());
        m.put("msg.payload", MessageCodec.PAYLOAD);
        m.put("msg.type.low_byte", 0L);
        m.put("msg.type.size", MessageCodec.MESSAGE.select(groupElement("type")).byteSize());
        m.put("hello.size", MessageCodec.HELLO.byteSize());
        for (String f : new String[] {"min_version", "max_version", "max_region", "max_m2s_ring", "max_s2m_ring", "max_log2_ring_size"}) {
            m.put("hello." + f, offset(MessageCodec.HELLO, f));
        }
        m.put("init.size", MessageCodec.INIT.byteSize());
        m.put("init.id", offset(MessageCodec.INIT, "id"));
        m.put("init.mode", offset(MessageCodec.INIT, "mode"));
        m.put("init.secret", offset(MessageCodec.INIT, "secret"));
        m.put("init.name", offset(MessageCodec.INIT, "name"));
        m.put("add_region.size", MessageCodec.ADD_REGION.byteSize());
        m.put("add_region.region_size", offset(MessageCodec.ADD_REGION, "size"));
        m.put("add_ring.size", MessageCodec.ADD_RING.byteSize());
        for (String f : new String[] {"index", "region", "offset", "log2_ring_size", "private_hdr_size"}) {
            m.put("add_ring." + f, offset(MessageCodec.ADD_RING, f));
        }
        m.put("connect.size", MessageCodec.CONNECT.byteSize());
        m.put("disconnect.size", MessageCodec.DISCONNECT.byteSize());
        m.put("disconnect.string", offset(MessageCodec.DISCONNECT, "string"));
        m.put("desc.size", Ring.DESC_SIZE);
        m.put("desc.region", Ring.DESC_REGION);
        m.put("desc.length", Ring.DESC_LENGTH);
        m.put("desc.offset", Ring.DESC_OFFSET);
        m.put("desc.metadata", offset(Ring.DESCRIPTOR, "metadata"));
        m.put("ring.cookie", Ring.COOKIE);
        m.put("ring.flags", Ring.FLAGS);
        m.put("ring.head", Ring.HEAD);
        m.put("ring.tail", Ring.TAIL);
        m.put("ring.desc", Ring.DESCRIPTORS);
        return m;
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    @Test
    void javaLayoutsHaveTheOffsetsOfTheHeader() {
        Map<String, Long> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("msg.size", 128L), Map.entry("msg.payload", 2L), Map.entry("msg.type.low_byte", 0L), Map.entry("msg.type.size", 2L),
                Map.entry("hello.size", 43L), Map.entry("hello.min_version", 32L), Map.entry("hello.max_version", 34L),
                Map.entry("hello.max_region", 36L), Map.entry("hello.max_m2s_ring", 38L), Map.entry("hello.max_s2m_ring", 40L),
                Map.entry("hello.max_log2_ring_size", 42L),
                Map.entry("init.size", 63L), Map.entry("init.id", 2L), Map.entry("init.mode", 6L), Map.entry("init.secret", 7L),
                Map.entry("init.name", 31L),
                Map.entry("add_region.size", 10L), Map.entry("add_region.region_size", 2L),
                Map.entry("add_ring.size", 13L), Map.entry("add_ring.index", 2L), Map.entry("add_ring.region", 4L),
                Map.entry("add_ring.offset", 6L), Map.entry("add_ring.log2_ring_size", 10L), Map.entry("add_ring.private_hdr_size", 11L),
                Map.entry("connect.size", 32L), Map.entry("disconnect.size", 100L), Map.entry("disconnect.string", 4L),
                Map.entry("desc.size", 16L), Map.entry("desc.region", 2L), Map.entry("desc.length", 4L), Map.entry("desc.offset", 8L),
                Map.entry("desc.metadata", 12L),
                Map.entry("ring.cookie", 0L), Map.entry("ring.flags", 4L), Map.entry("ring.head", 6L), Map.entry("ring.tail", 64L),
                Map.entry("ring.desc", 128L)));
        assertEquals(expected, new TreeMap<>(javaLayout()));
    }

    @Test
    void javaLayoutsMatchWhatGccMakesOfTheCStructs(@TempDir Path dir) throws Exception {
        if (!onPath("gcc")) {
            System.out.println("SKIPPED layout check against C: gcc is not installed (apt-get install gcc)");
            Assumptions.abort("gcc is not installed");
        }
        Path source = dir.resolve("memif_layout.c");
        try (InputStream in = MemifLayoutTest.class.getResourceAsStream("/memif_layout.c")) {
            Files.write(source, in.readAllBytes());
        }
        Path binary = dir.resolve("memif_layout");
        run(dir, "gcc", "-Wall", "-Werror", "-o", binary.toString(), source.toString());
        Map<String, Long> fromC = new TreeMap<>();
        for (String line : run(dir, binary.toString()).split("\n")) {
            String[] parts = line.trim().split(" ");
            fromC.put(parts[0], Long.parseLong(parts[1]));
        }
        assertEquals(fromC, new TreeMap<>(javaLayout()));
    }

    @Test
    void ringBytesCoverHeaderAndDescriptors() {
        assertEquals(128 + 16 * 1024, Ring.bytes(10));
        assertEquals(MemoryLayout.structLayout(Ring.HEADER, MemoryLayout.sequenceLayout(1024, Ring.DESCRIPTOR)).byteSize(), Ring.bytes(10));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), Arrays.toString(command) + " failed:\n" + text);
        return text;
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
