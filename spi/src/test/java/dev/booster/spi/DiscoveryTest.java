package dev.booster.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery through class loaders whose services files name providers that cannot be loaded. */
class DiscoveryTest {

    private static final ClassLoader TEST_LOADER = DiscoveryTest.class.getClassLoader();

    /** A class path entry holding just a services file with {@code lines}. */
    private static URL[] servicesFile(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("META-INF/services/" + DataplaneProvider.class.getName());
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
        return new URL[]{dir.toUri().toURL()};
    }

    private static List<String> names(List<DataplaneProvider> providers) {
        return providers.stream().map(DataplaneProvider::name).toList();
    }

    @Test
    void skipsAProviderClassThatDoesNotExistAndKeepsTheRest(@TempDir Path dir) throws IOException {
        try (var loader = new URLClassLoader(servicesFile(dir, "does.not.Exist", GammaProvider.class.getName()), TEST_LOADER)) {
            Discovery found = Dataplanes.discover(loader);

            assertEquals(List.of("alpha", "beta", "gamma"), names(found.providers()));
            assertEquals(1, found.skipped().size(), found.skipped()::toString);
            assertTrue(found.skipped().getFirst().contains("does.not.Exist"), found.skipped()::toString);
            assertEquals(List.of("alpha", "beta", "gamma"), names(Dataplanes.providers(loader)));
        }
    }

    @Test
    void skipsAProviderThatFailsToLink(@TempDir Path dir) throws IOException {
        URL[] urls = servicesFile(dir, OrphanProvider.class.getName(), GammaProvider.class.getName());
        try (var loader = new HidingClassLoader(urls, TEST_LOADER,
                Set.of(OrphanProvider.class.getName()), Set.of(OrphanBase.class.getName()))) {
            Discovery found = Dataplanes.discover(loader);

            assertEquals(List.of("alpha", "beta", "gamma"), names(found.providers()));
            assertEquals(1, found.skipped().size(), found.skipped()::toString);
            assertTrue(found.skipped().getFirst().contains("OrphanBase"), found.skipped()::toString);
        }
    }

    @Test
    void endsWhenTheServicesFilesCannotBeListed() {
        ClassLoader unreadable = new ClassLoader(TEST_LOADER) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                throw new IOException("disk on fire");
            }
        };
        // ServiceLoader fails the same way on every call here; a loop that retries after each failure never ends.
        Discovery found = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Dataplanes.discover(unreadable));

        assertEquals(List.of(), found.providers());
        assertEquals(1, found.skipped().size(), found.skipped()::toString);
        assertTrue(found.skipped().getFirst().contains("disk on fire"), found.skipped()::toString);
    }
}
