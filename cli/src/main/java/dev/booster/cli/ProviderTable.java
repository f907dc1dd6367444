package dev.booster.cli;

import dev.booster.api.Capability;
import dev.booster.spi.Dataplanes;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;

/** The discovered providers as a table: name, priority, capabilities and what their probe says here and now. */
final class ProviderTable {
    private static final List<String> HEADER = List.of("NAME", "PRIORITY", "CAPABILITIES", "PROBE");

    private ProviderTable() {
    }

    static void print(Discovery discovery, PrintStream out) {
        if (discovery.providers().isEmpty()) {
            out.println("no dataplane providers discovered; put a backend module such as booster-testkit"
                    + " (provider 'memory') on the class path");
        } else {
            List<List<String>> rows = new ArrayList<>();
            rows.add(HEADER);
            for (DataplaneProvider p : discovery.providers()) {
                rows.add(List.of(p.name(), Integer.toString(p.priority()), capabilities(p), Dataplanes.probe(p).toString()));
            }
            printAligned(rows, out);
        }
        if (!discovery.skipped().isEmpty()) {
            out.println();
            out.println("skipped, failed to load:");
            discovery.skipped().forEach(why -> out.println("  " + why));
        }
    }

    private static String capabilities(DataplaneProvider p) {
        if (p.capabilities().isEmpty()) return "-";
        return EnumSet.copyOf(p.capabilities()).stream().map(Capability::name).collect(Collectors.joining(", "));
    }

    private static void printAligned(List<List<String>> rows, PrintStream out) {
        int columns = HEADER.size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) width[c] = Math.max(width[c], row.get(c).length());
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(row.get(c));
                if (c < columns - 1) line.append(" ".repeat(width[c] - row.get(c).length() + 2));
            }
            out.println(line);
        }
    }
}
