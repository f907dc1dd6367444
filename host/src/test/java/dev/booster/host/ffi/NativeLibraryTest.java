package dev.booster.host.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeLibraryTest {
    @Test
    void aMissingLibraryNamesThePackageEveryTime() {
        NativeLibrary missing = new NativeLibrary("libbooster-nonexistent.so.9", "libbooster-nonexistent9", "tests need it");
        for (int attempt = 0; attempt < 2; attempt++) {
            NativeLibraryUnavailableException e = assertThrows(NativeLibraryUnavailableException.class, missing::lookup);
            assertTrue(e.getMessage().startsWith("libbooster-nonexistent.so.9 could not be loaded (tests need it): "
                    + "install the Debian package libbooster-nonexistent9 (apt-get install libbooster-nonexistent9)"), e.getMessage());
        }
        assertTrue(missing.unavailableReason().orElseThrow().contains("apt-get install libbooster-nonexistent9"));
    }

    @Test
    void aMissingSymbolSaysTheLibraryIsTooOld() {
        NativeLibrary libc = new NativeLibrary("libc.so.6", "libc6", "everything");
        assertTrue(libc.unavailableReason().isEmpty());
        NativeLibraryUnavailableException e = assertThrows(NativeLibraryUnavailableException.class,
                () -> libc.downcall("booster_no_such_function", FunctionDescriptor.of(JAVA_INT)));
        assertEquals("libc.so.6 has no symbol booster_no_such_function: the installed libc6 is too old; upgrade it (apt-get install libc6)",
                e.getMessage());
    }
}
