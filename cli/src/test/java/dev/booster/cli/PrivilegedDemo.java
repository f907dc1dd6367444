package dev.booster.cli;

import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Gatekeeper of the cli's tests tagged "privileged": they need root (and the afxdp demo's needs), and print why they skip. */
final class PrivilegedDemo {
    private PrivilegedDemo() {
    }

    static void assumeRoot() {
        String uid = uid();
        if (!uid.equals("0")) skip("not root (uid " + uid + "): the test creates network namespaces");
    }

    /** Skips unless the afxdp demo can run here: root, afxdp's probe, ping, nc and ss. */
    static void assumeNetnsDemo() {
        assumeRoot();
        NetnsTrafficDemo.unavailableReason(Dataplanes.discover().providers()).ifPresent(PrivilegedDemo::skip);
    }

    private static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:")).map(line -> line.split("\\s+")[1]).findFirst().orElse("?");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void skip(String reason) {
        System.out.println("SKIPPED privileged test: " + reason);
        Assumptions.abort(reason);
    }
}
